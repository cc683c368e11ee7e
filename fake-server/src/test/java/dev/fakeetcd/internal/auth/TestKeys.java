package dev.fakeetcd.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key pairs made for a test and written as the PEM files etcd's JWT options name. */
final class TestKeys {

  /**
   * An openssl-made P-256 key in SEC 1 form ({@code openssl ecparam -genkey}), which carries its
   * public key.
   */
  static final String SEC1_P256 = """
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIJlYeW7Y1QQ4jgD5IdKtDGLp8m7qF1Dwa5OBMiIpD4OpoAoGCCqGSM49
      AwEHoUQDQgAE12Ig/XzHCgHo7Q9/L4TOJV/57Y1O5Saazkb/iSBJ1ou89q2H7dgH
      R985OwIKKXSKlHNjoBbFAws47N8OWD8e0g==
      -----END EC PRIVATE KEY-----
      """;

  /** {@link #SEC1_P256} as PKCS#8 ({@code openssl pkcs8 -topk8}), still carrying its public key. */
  static final String PKCS8_P256 = """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmVh5btjVBDiOAPkh
      0q0MYunybuoXUPBrk4EyIikPg6mhRANCAATXYiD9fMcKAejtD38vhM4lX/ntjU7l
      JprORv+JIEnWi7z2rYft2AdH3zk7AgopdIqUc2OgFsUDCzjs3w5YPx7S
      -----END PRIVATE KEY-----
      """;

  /** An openssl-made 1024-bit RSA key in PKCS#1 form ({@code openssl genrsa -traditional}). */
  static final String PKCS1_RSA = """
      -----BEGIN RSA PRIVATE KEY-----
      MIICXwIBAAKBgQDcjhLRoDlr8HUJZuPu9cAybR0OEt2/kaifUUuO0t8oUOabtEVA
      gN/s2DdnMoQitkzvr5Uo9NTssTrXHpYEZaZI/jxPHkq/A//TMuQCfrUmRK+TUp11
      pEj0a0Asfdm/AZkqum+uOopd5CqG1eI0+DbywAtXNBNntbuBZuO+unTh0QIDAQAB
      AoGBAMr2246ZWf5g+/M5AkznToWZMAHBjts6GejzEQtQNxiMyotDK++eKXN1zhZj
      wIGJLefstuFH3aIrvrA0b22AdbJEOJy/6t+s15R0c1bPpSnH8S0Am3RWiMPdOhF2
      nRuB03RCDpz4gKXBURPlKPfIehBE4rqF0zNkvSn5+YQAt1oZAkEA/U0MTtyG/WuW
      DHlqAxUBYGbOfWeM+xBadHB5V0+59cc42LiPINqxn1geatH2xgNK15xi5dVlcuTB
      KdmGwe+kzwJBAN7ns4OlibiZEoY4j9P1aANnEFSk4z6qQbuqXDT8XSeIvWKH5hA2
      rg1BOWtkEGF69K7EyQ7TuVY3zK3d/RQN918CQQDWxU16UGHk3iQLz6ajllvkcUcD
      7ZkMB4Gq2PMJpP/39UOt/k7dfJC+muiviffDTWdYCbGRTq8GDA/8fARWy+rhAkEA
      q+aJ5TOLQyYhSAtkt/Rgk4cu6+gBK/mHGd/mniIlAPEOBGeDf+t7TNOJIY2YqGR3
      QDSYTWvwWVJM8aTpoEapBwJBAMfmKLxAks/XY1zXb7fr1C4RnQFYxjmx9mkZ4fJ+
      5Qh2ReofCJQDTYWy1ip+D7QUxglteHUE8u9cZgsJjp26dsc=
      -----END RSA PRIVATE KEY-----
      """;

  private TestKeys() {
  }

  static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** An EC key pair on {@code curve}, e.g. {@code secp256r1}. */
  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Writes {@code pair}'s private (PKCS#8) and public (X.509) keys as {@code name} and .pub. */
  static void write(Path dir, String name, KeyPair pair) throws IOException {
    write(dir.resolve(name), "PRIVATE KEY", pair.getPrivate().getEncoded());
    write(dir.resolve(name + ".pub"), "PUBLIC KEY", pair.getPublic().getEncoded());
  }

  static void write(Path file, String label, byte[] der) throws IOException {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    Files.writeString(file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label
        + "-----\n", StandardCharsets.US_ASCII);
  }
}
