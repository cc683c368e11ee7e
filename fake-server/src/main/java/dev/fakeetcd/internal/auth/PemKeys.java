package dev.fakeetcd.internal.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The PEM key files etcd 3.4's JWT options take ({@code github.com/golang-jwt/jwt} v3.2.1): the
 * first PEM block, whatever its label; a private key as PKCS#8, or PKCS#1 (RSA) or SEC 1 (EC);
 * a public key as X.509 SubjectPublicKeyInfo or a certificate. The JDK reads PKCS#8 and X.509 only,
 * so PKCS#1 and SEC 1 are rewrapped as PKCS#8 (DER framing, no cryptography). Errors carry
 * golang-jwt's and Go's texts.
 */
final class PemKeys {

  private static final String NOT_PEM = "Invalid Key: Key must be a PEM encoded PKCS1 or PKCS8 key";

  private static final byte[] RSA_ALGORITHM =
      HexFormat.of().parseHex("300d06092a864886f70d0101010500");
  private static final byte[] EC_PUBLIC_KEY_OID = HexFormat.of().parseHex("06072a8648ce3d0201");
  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int BIT_STRING = 0x03;
  private static final int OCTET_STRING = 0x04;
  private static final int OID = 0x06;
  private static final int CONTEXT_0 = 0xa0;
  private static final int CONTEXT_1 = 0xa1;

  /** A private key as read, and the public key its encoding carries (SEC 1's optional field). */
  record Private(PrivateKey key, Optional<PublicKey> embeddedPublic) {
  }

  private PemKeys() {
  }

  /** An RSA private key (RS*, PS*), as golang-jwt's {@code ParseRSAPrivateKeyFromPEM}. */
  static Private rsaPrivate(byte[] file) {
    byte[] der = pemBlock(file);
    Optional<PrivateKey> pkcs8 = pkcs8(der);
    if (pkcs8.isPresent()) {
      if (pkcs8.get() instanceof RSAPrivateKey) {
        return new Private(pkcs8.get(), Optional.empty());
      }
      throw new IllegalArgumentException("Key is not a valid RSA private key");
    }
    Optional<PrivateKey> pkcs1 = pkcs1(der);
    if (pkcs1.isPresent()) {
      return new Private(pkcs1.get(), Optional.empty());
    }
    throw new IllegalArgumentException(sec1(der).isPresent()
        ? "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
        : "x509: failed to parse private key");
  }

  /** An EC private key (ES*), as golang-jwt's {@code ParseECPrivateKeyFromPEM}. */
  static Private ecPrivate(byte[] file) {
    byte[] der = pemBlock(file);
    Optional<Private> sec1 = sec1(der);
    if (sec1.isPresent()) {
      return sec1.get();
    }
    Optional<PrivateKey> pkcs8 = pkcs8(der);
    if (pkcs8.isPresent()) {
      if (pkcs8.get() instanceof ECPrivateKey) {
        Tlv[] info = children(der, read(der, 0));
        return new Private(pkcs8.get(), embeddedPublic(der, info[1], info[2]));
      }
      throw new IllegalArgumentException("Key is not a valid ECDSA private key");
    }
    throw new IllegalArgumentException(pkcs1(der).isPresent()
        ? "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"
        : "x509: failed to parse private key");
  }

  /**
   * A public key of {@code algorithm} ({@code RSA} or {@code EC}), as golang-jwt's
   * {@code ParseRSAPublicKeyFromPEM} and {@code ParseECPublicKeyFromPEM}.
   */
  static PublicKey publicKey(byte[] file, String algorithm) {
    byte[] der = pemBlock(file);
    PublicKey key = spki(der).or(() -> certificateKey(der))
        .orElseThrow(() -> new IllegalArgumentException("x509: failed to parse public key"));
    if (!key.getAlgorithm().equals(algorithm)) {
      throw new IllegalArgumentException(
          "Key is not a valid " + (algorithm.equals("RSA") ? "RSA" : "ECDSA") + " public key");
    }
    return key;
  }

  /** The first PEM block's bytes, as Go's {@code pem.Decode} finds it (label unchecked). */
  private static byte[] pemBlock(byte[] file) {
    String text = new String(file, StandardCharsets.ISO_8859_1);
    int begin = text.indexOf("-----BEGIN ");
    int bodyStart = begin < 0 ? -1 : text.indexOf("-----", begin + 11);
    int end = bodyStart < 0 ? -1 : text.indexOf("-----END ", bodyStart + 5);
    if (end < 0) {
      throw new IllegalArgumentException(NOT_PEM);
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(bodyStart + 5, end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(NOT_PEM, e);
    }
  }

  private static Optional<PrivateKey> pkcs8(byte[] der) {
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm)
            .generatePrivate(new PKCS8EncodedKeySpec(der)));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm's PKCS#8: try the next
      }
    }
    return Optional.empty();
  }

  /** PKCS#1 {@code RSAPrivateKey}, wrapped as PKCS#8 (version 0, rsaEncryption). */
  private static Optional<PrivateKey> pkcs1(byte[] der) {
    try {
      byte[] pkcs8 = encode(SEQUENCE, new byte[] {INTEGER, 1, 0}, RSA_ALGORITHM,
          encode(OCTET_STRING, der));
      return Optional.of(KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * SEC 1 {@code ECPrivateKey} (version 1, key, [0] curve, [1] public key), wrapped as PKCS#8
   * with its curve; its public key, when present, becomes an X.509 key on the same curve.
   */
  private static Optional<Private> sec1(byte[] der) {
    try {
      Tlv[] fields = children(der, read(der, 0));
      if (fields.length < 3 || fields[0].tag != INTEGER || fields[1].tag != OCTET_STRING
          || fields[2].tag != CONTEXT_0) {
        return Optional.empty();
      }
      Tlv curve = read(der, fields[2].start);
      if (curve.tag != OID) {
        return Optional.empty();
      }
      byte[] algorithm = encode(SEQUENCE, EC_PUBLIC_KEY_OID, curve.bytes(der));
      byte[] pkcs8 = encode(SEQUENCE, new byte[] {INTEGER, 1, 0}, algorithm,
          encode(OCTET_STRING, der));
      PrivateKey key = KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      return Optional.of(new Private(key, publicField(der, fields, algorithm)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The public key inside a PKCS#8 EC key's SEC 1 structure, if it carries one. */
  private static Optional<PublicKey> embeddedPublic(byte[] der, Tlv algorithm, Tlv octets) {
    byte[] sec1 = octets.content(der);
    return publicField(sec1, children(sec1, read(sec1, 0)), algorithm.bytes(der));
  }

  private static Optional<PublicKey> publicField(byte[] sec1, Tlv[] fields, byte[] algorithm) {
    for (Tlv field : fields) {
      if (field.tag == CONTEXT_1) {
        Tlv bits = read(sec1, field.start);
        if (bits.tag == BIT_STRING) {
          return spki(encode(SEQUENCE, algorithm, bits.bytes(sec1)));
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<PublicKey> spki(byte[] der) {
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm)
            .generatePublic(new X509EncodedKeySpec(der)));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm's key: try the next
      }
    }
    return Optional.empty();
  }

  private static Optional<PublicKey> certificateKey(byte[] der) {
    try {
      return Optional.of(CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }

  // ---- DER framing: tag, length, content ----

  /** One DER element: its tag, where it begins and where its content begins and ends. */
  private record Tlv(int tag, int offset, int start, int end) {
    byte[] bytes(byte[] der) {
      return Arrays.copyOfRange(der, offset, end);
    }

    byte[] content(byte[] der) {
      return Arrays.copyOfRange(der, start, end);
    }
  }

  private static Tlv read(byte[] der, int offset) {
    int tag = der[offset] & 0xff;
    int first = der[offset + 1] & 0xff;
    int start = offset + 2;
    long length = first;
    if (first > 0x80 && first <= 0x84) {
      length = 0;
      for (int i = 0; i < (first & 0x7f); i++) {
        length = (length << 8) | (der[start++] & 0xff);
      }
    } else if (first >= 0x80) {
      throw new IllegalArgumentException("unsupported DER length");
    }
    if (start + length > der.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new Tlv(tag, offset, start, (int) (start + length));
  }

  private static Tlv[] children(byte[] der, Tlv parent) {
    List<Tlv> children = new ArrayList<>();
    for (int at = parent.start; at < parent.end; at = children.get(children.size() - 1).end) {
      children.add(read(der, at));
    }
    return children.toArray(Tlv[]::new);
  }

  private static byte[] encode(int tag, byte[]... contents) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] c : contents) {
      content.writeBytes(c);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.size();
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
