package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeysTest {

  @TempDir
  Path dir;

  @Test
  void pkcs8Pem_rsaPkcs1Key_isTheSameKeyAsPkcs8() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey key = generator.generateKeyPair().getPrivate();
    Path file = traditional(key);

    assertThat(Files.readString(file)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(read(PemKeys.pkcs8Pem(file), "RSA")).isEqualTo(key);
  }

  @Test
  void pkcs8Pem_ecSec1Key_isTheSameKeyAsPkcs8() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair keys = generator.generateKeyPair();
    // As openssl and Go write SEC1: with the curve in [0] parameters.
    ASN1Encodable curve = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded())
        .getPrivateKeyAlgorithm().getParameters();
    Path file = pem(new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(
        384, ((ECPrivateKey) keys.getPrivate()).getS(), curve).getEncoded()));

    assertThat(Files.readString(file)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(((ECPrivateKey) read(PemKeys.pkcs8Pem(file), "EC")).getS())
        .isEqualTo(((ECPrivateKey) keys.getPrivate()).getS());
  }

  @Test
  void pkcs8Pem_pkcs8Key_isKept() throws Exception {
    PrivateKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
    Path file = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");

    assertThat(read(PemKeys.pkcs8Pem(file), "EC")).isEqualTo(key);
  }

  @Test
  void pkcs8Pem_fileWithoutAKey_isRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAA==\n"
        + "-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> PemKeys.pkcs8Pem(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM private key in " + file);
  }

  /** The key as OpenSSL's traditional PEM (PKCS#1 for RSA). */
  private Path traditional(PrivateKey key) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(key);
    }
    return Files.writeString(dir.resolve("key.pem"), text.toString());
  }

  private Path pem(PemObject object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return Files.writeString(dir.resolve("key.pem"), text.toString());
  }

  private static PrivateKey read(byte[] pem, String algorithm) throws GeneralSecurityException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    String base64 = text.replace("-----BEGIN PRIVATE KEY-----", "")
        .replace("-----END PRIVATE KEY-----", "");
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
  }
}
