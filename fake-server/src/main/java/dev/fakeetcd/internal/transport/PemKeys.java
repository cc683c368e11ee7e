package dev.fakeetcd.internal.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Private keys as etcd takes them: PKCS#8 ({@code PRIVATE KEY}), and the OpenSSL forms cfssl and
 * older openssl write, PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}), which
 * Netty's JDK provider cannot read: those are rewrapped as PKCS#8 (the DER of the key stays as
 * it is, inside).
 */
final class PemKeys {

  private static final Pattern PEM = Pattern.compile("-----BEGIN (RSA |EC )?PRIVATE KEY-----"
      + "\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1?PRIVATE KEY-----");
  /** AlgorithmIdentifier{rsaEncryption, NULL}. */
  private static final byte[] RSA = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
      (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** The OID id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_PUBLIC_KEY =
      {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private PemKeys() {
  }

  /**
   * The key in {@code file} as a PKCS#8 PEM.
   *
   * @throws IllegalArgumentException if the file holds no private key in these forms
   */
  static byte[] pkcs8Pem(Path file) throws IOException {
    Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new IllegalArgumentException("no PEM private key in " + file);
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    byte[] pkcs8 = m.group(1) == null ? der
        : m.group(1).equals("RSA ") ? wrap(RSA, der)
        : wrap(tlv(0x30, concat(EC_PUBLIC_KEY, curve(der, file))), der);
    return ("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs8)
        + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** PrivateKeyInfo{version 0, algorithm, OCTET STRING key}. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return tlv(0x30, concat(VERSION_0, algorithm, tlv(0x04, key)));
  }

  /** The curve OID of a SEC1 ECPrivateKey: its {@code [0] parameters}, which etcd's keys carry. */
  private static byte[] curve(byte[] sec1, Path file) {
    int[] at = {0};
    enter(sec1, at); // ECPrivateKey SEQUENCE
    skip(sec1, at); // version
    skip(sec1, at); // privateKey
    if (at[0] < sec1.length && (sec1[at[0]] & 0xff) == 0xa0) {
      int length = enter(sec1, at);
      return Arrays.copyOfRange(sec1, at[0], at[0] + length);
    }
    throw new IllegalArgumentException("the EC key in " + file + " does not name its curve");
  }

  /** Moves past a tag and length; returns the length. */
  private static int enter(byte[] der, int[] at) {
    at[0]++;
    int first = der[at[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der[at[0]++] & 0xff);
    }
    return length;
  }

  private static void skip(byte[] der, int[] at) {
    int length = enter(der, at);
    at[0] += length;
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
