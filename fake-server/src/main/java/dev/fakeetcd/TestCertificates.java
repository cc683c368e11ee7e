package dev.fakeetcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and the certificates a TLS test needs, written as PEM files (certificates, and
 * PKCS#8 keys, which etcd, jetcd and Netty all read) into a directory: a server certificate for
 * {@code 127.0.0.1}, {@code localhost} and {@value #AUTHORITY}, and client certificates with the
 * common names a test asks for (with {@code --client-cert-auth}, the user a request without a
 * token runs as). Keys are EC P-256; certificates are valid from an hour ago for a year.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.create(dir);
 * ClusterConfig.builder().tls(certs.serverTls(true));
 * TestCertificates.ClientCertificate alice = certs.client("alice");
 * }</pre>
 */
public final class TestCertificates {

  /** The server certificate's own DNS name, the authority jetcd's TLS tests connect to. */
  public static final String AUTHORITY = "etcd0";

  private static final String SIGNATURE = "SHA256withECDSA";

  private final Path dir;
  private final KeyPair caKeys;
  private final X500Name caName;
  private final Path caFile;
  private final Path serverCertFile;
  private final Path serverKeyFile;
  private long serial = 1;
  private int clients;

  private TestCertificates(Path dir) throws GeneralSecurityException, IOException {
    this.dir = dir;
    caKeys = newKeys();
    caName = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "fake-etcd")
        .addRDN(BCStyle.CN, "fake-etcd test CA").build();
    X509v3CertificateBuilder ca = builder(caName, caKeys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    caFile = writeCertificate("ca.pem", ca);
    KeyPair serverKeys = newKeys();
    X509v3CertificateBuilder server = builder(name("fake-etcd server"), serverKeys)
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, AUTHORITY)}))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
        .addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    serverCertFile = writeCertificate("server.pem", server);
    serverKeyFile = writeKey("server-key.pem", serverKeys.getPrivate());
  }

  /**
   * Makes a new CA and a server certificate and writes them into {@code dir} (created if
   * missing): {@code ca.pem}, {@code server.pem}, {@code server-key.pem}.
   */
  public static TestCertificates create(Path dir) {
    Objects.requireNonNull(dir, "dir");
    try {
      Files.createDirectories(dir);
      return new TestCertificates(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make test certificates", e);
    }
  }

  /** The CA's certificate: etcd's {@code --trusted-ca-file}, and what a client trusts. */
  public Path caFile() {
    return caFile;
  }

  /** The server's certificate (etcd's {@code --cert-file}), signed by the CA. */
  public Path serverCertFile() {
    return serverCertFile;
  }

  /** The server's key (etcd's {@code --key-file}), PKCS#8. */
  public Path serverKeyFile() {
    return serverKeyFile;
  }

  /**
   * The server's certificate and key as etcd's flags name them; with {@code clientCertAuth}, also
   * the CA as {@code --trusted-ca-file} and {@code --client-cert-auth} (a trusted CA alone already
   * makes etcd 3.4 require client certificates, so server-only TLS names none).
   */
  public ServerTls serverTls(boolean clientCertAuth) {
    ServerTls tls = ServerTls.of(serverCertFile, serverKeyFile);
    return clientCertAuth ? tls.trustedCa(caFile).clientCertAuth(true) : tls;
  }

  /**
   * Makes a client certificate, signed by the CA, for {@code commonName} (an empty one gives a
   * certificate without a CN) and writes it and its key into the directory.
   */
  public synchronized ClientCertificate client(String commonName) {
    Objects.requireNonNull(commonName, "commonName");
    int n = ++clients;
    try {
      KeyPair keys = newKeys();
      X509v3CertificateBuilder client = builder(commonName.isEmpty()
          ? new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "fake-etcd").build()
          : name(commonName), keys)
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      return new ClientCertificate(commonName, writeCertificate("client-" + n + ".pem", client),
          writeKey("client-" + n + "-key.pem", keys.getPrivate()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a client certificate", e);
    }
  }

  @Override
  public String toString() {
    return "TestCertificates[" + dir + "]";
  }

  /**
   * A client certificate and its key (PEM, PKCS#8) for a client's mutual TLS.
   *
   * @param commonName the certificate's CN; empty for none
   * @param certFile the certificate, signed by the CA
   * @param keyFile its private key
   */
  public record ClientCertificate(String commonName, Path certFile, Path keyFile) {
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "fake-etcd")
        .addRDN(BCStyle.CN, commonName).build();
  }

  private static KeyPair newKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private synchronized X509v3CertificateBuilder builder(X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(serial++),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(365))),
        subject, keys.getPublic());
  }

  private Path writeCertificate(String file, X509v3CertificateBuilder builder)
      throws GeneralSecurityException, IOException {
    X509Certificate certificate;
    try {
      certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(SIGNATURE).build(caKeys.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
    return write(file, "CERTIFICATE", certificate.getEncoded());
  }

  private Path writeKey(String file, PrivateKey key) throws IOException {
    // A JCA private key encodes as PKCS#8: "PRIVATE KEY".
    return write(file, "PRIVATE KEY", key.getEncoded());
  }

  private Path write(String file, String type, byte[] der) throws IOException {
    String pem = "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
    Path path = dir.resolve(file);
    Files.writeString(path, pem, StandardCharsets.US_ASCII);
    return path;
  }
}
