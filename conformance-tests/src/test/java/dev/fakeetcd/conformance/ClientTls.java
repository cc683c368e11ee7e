package dev.fakeetcd.conformance;

import dev.fakeetcd.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the harness's clients present to a TLS target: the CA they trust and, for a target started
 * with {@code --client-cert-auth}, a client certificate (PEM, PKCS#8 key).
 *
 * @param caFile the CA the server's certificate chains to
 * @param client null for server-only TLS
 */
public record ClientTls(Path caFile, TestCertificates.ClientCertificate client) {

  /** The same for the JDK's own clients (its {@code HttpClient}). */
  SSLContext sslContext() {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", certificate(caFile));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      KeyStore own = KeyStore.getInstance("PKCS12");
      own.load(null, null);
      if (client != null) {
        String pem = Files.readString(client.keyFile(), StandardCharsets.US_ASCII)
            .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        own.setKeyEntry("client", KeyFactory.getInstance("EC").generatePrivate(
            new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem))), new char[0],
            new Certificate[] {certificate(client.certFile())});
      }
      keys.init(own, new char[0]);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the test certificates", e);
    }
  }

  private static Certificate certificate(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
