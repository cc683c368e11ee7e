package dev.fakeetcd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
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
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made with Bouncy Castle into a directory as etcd's flags take them:
 * PEM certificates, PKCS#8 PEM keys. One CA signs a server certificate for 127.0.0.1 and
 * localhost and client certificates with a given common name.
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(1);

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestCertificates(Path dir) throws GeneralSecurityException, OperatorCreationException {
    this.dir = dir;
    caKeys = keyPair();
    X500Name name = new X500Name("CN=fake-etcd test CA");
    X509v3CertificateBuilder builder = builder(name, name, caKeys);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ca = sign(builder, caKeys.getPrivate());
  }

  /** A new CA whose files go to {@code dir}. */
  public static TestCertificates in(Path dir) {
    try {
      return new TestCertificates(dir);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA's certificate file ({@code --trusted-ca-file}). */
  public Path caFile() {
    return write("ca.pem", pem("CERTIFICATE", encoded(ca)));
  }

  /** A server certificate and key for 127.0.0.1 and localhost: {@code [cert, key]}. */
  public Path[] server() {
    return issue("server", "CN=127.0.0.1", true);
  }

  /** A client certificate with common name {@code cn} and its key: {@code [cert, key]}. */
  public Path[] client(String cn) {
    return issue("client-" + cn, "CN=" + cn, false);
  }

  private Path[] issue(String file, String subject, boolean server) {
    try {
      KeyPair keys = keyPair();
      X509v3CertificateBuilder builder =
          builder(new X500Name(ca.getSubjectX500Principal().getName()), new X500Name(subject),
              keys);
      if (server) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      X509Certificate cert = sign(builder, caKeys.getPrivate());
      return new Path[] {write(file + ".pem", pem("CERTIFICATE", encoded(cert))),
          write(file + "-key.pem", pem("PRIVATE KEY", keys.getPrivate().getEncoded()))};
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject,
      KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))),
        subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
