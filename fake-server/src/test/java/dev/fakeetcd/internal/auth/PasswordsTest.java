package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Go hashes are etcd 3.4.23's: etcdctl user add, then read from etcdctl snapshot save. */
class PasswordsTest {

  /** etcdctl user add root:rootpw. */
  private static final String GO_ROOTPW =
      "$2a$10$6n8LlUwpAZcnBUtRHy6C9Oxu5.YUDbBo/rxeOqeutxd.hfKsb.6O6";
  /** etcdctl user add bob:secret. */
  private static final String GO_SECRET =
      "$2a$10$.AUbk5qPK5v1ykD3NfaTGeDM8SpgxK/6iNEVxvQ3awER2rM2U2jna";
  /** etcdctl user add alice:{@link #LONG}. */
  private static final String GO_LONG =
      "$2a$10$augu4nbJX3YJ0mO5HfNiWO1FNfthXEddvKhLU7uki.cfXOiDdO4u.";
  private static final String LONG = "p".repeat(28) + "0123456789".repeat(7) + "abcdef";

  private static byte[] salt(long seed) {
    byte[] salt = new byte[16];
    new SplittableRandom(seed).nextBytes(salt);
    return salt;
  }

  @Test
  void effectiveCost_inRange_isKept() {
    assertThat(Passwords.effectiveCost(4)).isEqualTo(4);
    assertThat(Passwords.effectiveCost(12)).isEqualTo(12);
    assertThat(Passwords.effectiveCost(31)).isEqualTo(31);
  }

  @Test
  void effectiveCost_outOfRange_isDefault() {
    assertThat(Passwords.effectiveCost(3)).isEqualTo(Passwords.DEFAULT_COST);
    assertThat(Passwords.effectiveCost(32)).isEqualTo(Passwords.DEFAULT_COST);
    assertThat(Passwords.effectiveCost(0)).isEqualTo(Passwords.DEFAULT_COST);
    assertThat(Passwords.effectiveCost(-1)).isEqualTo(Passwords.DEFAULT_COST);
  }

  @Test
  void hash_isModularCrypt2aAtTheCost() {
    assertThat(Passwords.hash("pw", 4, salt(1))).startsWith("$2a$04$").hasSize(60);
  }

  @Test
  void hash_sameSalt_sameHash() {
    assertThat(Passwords.hash("pw", 4, salt(1))).isEqualTo(Passwords.hash("pw", 4, salt(1)));
  }

  @Test
  void hash_otherSalt_otherHash() {
    assertThat(Passwords.hash("pw", 4, salt(1))).isNotEqualTo(Passwords.hash("pw", 4, salt(2)));
  }

  @Test
  void hash_goHashesSalt_givesGoHash() throws Exception {
    byte[] goSalt = BCrypt.Version.VERSION_2A.parser.parse(
        GO_SECRET.getBytes(StandardCharsets.US_ASCII)).rawSalt;

    assertThat(Passwords.hash("secret", 10, goSalt)).isEqualTo(GO_SECRET);
  }

  @Test
  void matches_ownHash_roundTrips() {
    String hash = Passwords.hash("pw", 4, salt(1));

    assertThat(Passwords.matches("pw", hash)).isTrue();
    assertThat(Passwords.matches("pW", hash)).isFalse();
  }

  @Test
  void matches_goHash_rightPassword() {
    assertThat(Passwords.matches("rootpw", GO_ROOTPW)).isTrue();
    assertThat(Passwords.matches("secret", GO_SECRET)).isTrue();
  }

  @Test
  void matches_goHash_wrongPassword() {
    assertThat(Passwords.matches("secret", GO_ROOTPW)).isFalse();
    assertThat(Passwords.matches("", GO_SECRET)).isFalse();
  }

  @Test
  void matches_goHashOfLongPassword_onlyFirst72BytesCount() {
    assertThat(Passwords.matches(LONG, GO_LONG)).isTrue();
    assertThat(Passwords.matches(LONG.substring(0, 72), GO_LONG)).isTrue();
    assertThat(Passwords.matches(LONG.substring(0, 72) + "other", GO_LONG)).isTrue();
    assertThat(Passwords.matches(LONG.substring(0, 71), GO_LONG)).isFalse();
  }

  @Test
  void matches_2bAnd2yPrefixes_verifyAsGoDoes() {
    assertThat(Passwords.matches("secret", "$2b$" + GO_SECRET.substring(4))).isTrue();
    assertThat(Passwords.matches("secret", "$2y$" + GO_SECRET.substring(4))).isTrue();
  }

  @Test
  void matches_longUtf8Password_truncatesBytesNotChars() {
    // 36 two-byte characters fill the 72 bytes; what follows does not count
    String hash = Passwords.hash("\u00e9".repeat(36) + "a", 4, salt(1));

    assertThat(Passwords.matches("\u00e9".repeat(36) + "b", hash)).isTrue();
    assertThat(Passwords.matches("\u00e9".repeat(35), hash)).isFalse();
  }

  @Test
  void matches_emptyPassword_roundTrips() {
    assertThat(Passwords.matches("", Passwords.hash("", 4, salt(1)))).isTrue();
  }

  @Test
  void matches_malformedHash_isFalse() {
    for (String bad : new String[] {"", "x", "$2a$10$", "$2a$10$" + "!".repeat(53),
        "$2a$03$" + GO_SECRET.substring(7), "$2a$32$" + GO_SECRET.substring(7),
        "$2z$10$" + GO_SECRET.substring(7), GO_SECRET + "x", GO_SECRET.substring(0, 59),
        "$2a$1x$" + GO_SECRET.substring(7)}) {
      assertThat(Passwords.matches("secret", bad)).as(bad).isFalse();
    }
  }
}
