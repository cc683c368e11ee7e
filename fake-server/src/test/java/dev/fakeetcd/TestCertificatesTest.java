package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificates a TLS test gets: what etcd, jetcd and Netty need to read from them. */
class TestCertificatesTest {

  @TempDir
  Path dir;

  @Test
  void create_serverCertificate_namesLoopbackLocalhostAndEtcd0() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);

    assertThat(certificate(certs.serverCertFile()).getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(7, "127.0.0.1"), List.of(2, "localhost"),
            List.of(2, TestCertificates.AUTHORITY));
  }

  @Test
  void create_serverCertificate_isSignedByTheCa() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    X509Certificate ca = certificate(certs.caFile());

    certificate(certs.serverCertFile()).verify(ca.getPublicKey());

    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void create_serverKey_isPkcs8() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);

    assertThat(key(certs.serverKeyFile()).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void client_withCommonName_isSignedByTheCaForClientAuth() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);

    TestCertificates.ClientCertificate alice = certs.client("alice");

    X509Certificate cert = certificate(alice.certFile());
    cert.verify(certificate(certs.caFile()).getPublicKey());
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=fake-etcd");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(key(alice.keyFile()).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void client_emptyCommonName_hasNoCommonName() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);

    TestCertificates.ClientCertificate anonymous = certs.client("");

    assertThat(certificate(anonymous.certFile()).getSubjectX500Principal().getName())
        .isEqualTo("O=fake-etcd");
  }

  @Test
  void serverTls_serverOnly_namesNoTrustedCa() {
    TestCertificates certs = TestCertificates.create(dir);

    ServerTls tls = certs.serverTls(false);

    assertThat(tls.certFile()).isEqualTo(certs.serverCertFile());
    assertThat(tls.keyFile()).isEqualTo(certs.serverKeyFile());
    assertThat(tls.trustedCaFile()).isEmpty();
    assertThat(tls.clientCertAuth()).isFalse();
  }

  @Test
  void serverTls_clientCertAuth_trustsTheCa() {
    TestCertificates certs = TestCertificates.create(dir);

    ServerTls tls = certs.serverTls(true);

    assertThat(tls.trustedCaFile()).contains(certs.caFile());
    assertThat(tls.clientCertAuth()).isTrue();
  }

  private static X509Certificate certificate(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static PrivateKey key(Path file) throws Exception {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }
}
