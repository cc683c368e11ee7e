package dev.fakeetcd.internal.transport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * The server key file etcd's {@code --key-file} takes (Go's {@code tls.X509KeyPair}): PKCS#8, or
 * openssl's and cfssl's PKCS#1 (RSA) or SEC 1 (EC), which Netty does not read; Bouncy Castle's
 * PEM parser reads all three, and Netty gets PKCS#8.
 */
final class PemKeys {

  private PemKeys() {
  }

  /**
   * The first private key in {@code file} as a PKCS#8 PEM ({@code EC PARAMETERS} and other blocks
   * before it are skipped).
   *
   * @throws IllegalArgumentException if the file holds no private key
   */
  static byte[] pkcs8Pem(Path file) throws IOException {
    try (Reader text = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser pem = new PEMParser(text)) {
      for (Object block = pem.readObject(); block != null; block = pem.readObject()) {
        PrivateKeyInfo key = block instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
            : block instanceof PrivateKeyInfo info ? info : null;
        if (key != null) {
          return ("-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder().encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        }
      }
    } catch (PEMException e) {
      // A block that does not parse (a broken certificate before the key, say).
      throw new IllegalArgumentException("no PEM private key in " + file, e);
    }
    throw new IllegalArgumentException("no PEM private key in " + file);
  }
}
