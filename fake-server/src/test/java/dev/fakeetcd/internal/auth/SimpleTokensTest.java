package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimpleTokensTest {

  private static final Duration TTL = Duration.ofSeconds(300);

  private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
  private SimpleTokens tokens;

  @BeforeEach
  void enabled() {
    tokens = new SimpleTokens(TTL, clock);
    tokens.enable();
  }

  @Test
  void newPrefix_isSixteenAsciiLetters() {
    String prefix = tokens.newPrefix(new SplittableRandom(7));

    assertThat(prefix).hasSize(16).matches("[a-zA-Z]{16}");
  }

  @Test
  void newPrefix_sameSeed_samePrefix() {
    assertThat(tokens.newPrefix(new SplittableRandom(7)))
        .isEqualTo(tokens.newPrefix(new SplittableRandom(7)));
  }

  @Test
  void newPrefix_drawsEveryLetter() {
    SplittableRandom random = new SplittableRandom(7);
    StringBuilder drawn = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      drawn.append(tokens.newPrefix(random));
    }

    assertThat(drawn.chars().distinct().count()).isEqualTo(52);
  }

  @Test
  void assign_isPrefixDotIndex() {
    assertThat(tokens.assign("alice", 3, "oemruoZjnFDsPLTi", 65)).isEqualTo("oemruoZjnFDsPLTi.65");
  }

  @Test
  void info_assignedToken_namesUserAtCurrentRevision() {
    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);

    assertThat(tokens.info(token, 9)).contains(new AuthInfo("alice", 9));
  }

  @Test
  void info_unknownToken_isEmpty() {
    tokens.assign("alice", 3, "abcdefghijklmnop", 65);

    assertThat(tokens.info("abcdefghijklmnop.66", 3)).isEmpty();
    assertThat(tokens.info("garbage", 3)).isEmpty();
  }

  @Test
  void info_withinTtl_works() {
    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    clock.advance(TTL);

    assertThat(tokens.info(token, 3)).isPresent();
  }

  @Test
  void info_unusedForLongerThanTtl_isEmpty() {
    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    clock.advance(TTL.plusNanos(1));

    assertThat(tokens.info(token, 3)).isEmpty();
  }

  @Test
  void info_use_slidesTheTtl() {
    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    clock.advance(Duration.ofSeconds(200));
    tokens.info(token, 3);
    clock.advance(Duration.ofSeconds(200));

    assertThat(tokens.info(token, 3)).isPresent();
  }

  @Test
  void ttl_notPositive_isEtcdsDefault() {
    SimpleTokens defaulted = new SimpleTokens(Duration.ZERO, clock);
    defaulted.enable();
    String used = defaulted.assign("alice", 3, "abcdefghijklmnop", 65);
    String unused = defaulted.assign("alice", 3, "bbcdefghijklmnop", 66);
    clock.advance(Duration.ofSeconds(300));
    defaulted.info(used, 3);
    clock.advance(Duration.ofNanos(1));

    assertThat(defaulted.info(used, 3)).isPresent();
    assertThat(defaulted.info(unused, 3)).isEmpty();
  }

  @Test
  void assign_beforeEnable_answersAnUnknownToken() {
    SimpleTokens disabled = new SimpleTokens(TTL, clock);

    String token = disabled.assign("alice", 3, "abcdefghijklmnop", 65);

    assertThat(token).isEqualTo("abcdefghijklmnop.65");
    assertThat(disabled.info(token, 3)).isEmpty();
  }

  @Test
  void assign_afterDisable_answersAnUnknownToken() {
    tokens.disable();

    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);

    assertThat(tokens.info(token, 3)).isEmpty();
  }

  @Test
  void assign_sameTokenTwice_fails() {
    tokens.assign("alice", 3, "abcdefghijklmnop", 65);

    assertThatThrownBy(() -> tokens.assign("bob", 3, "abcdefghijklmnop", 65))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void disable_dropsEveryToken() {
    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    tokens.disable();
    tokens.enable();

    assertThat(tokens.info(token, 3)).isEmpty();
  }

  @Test
  void enable_whenEnabled_keepsTokens() {
    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    tokens.enable();

    assertThat(tokens.info(token, 3)).isPresent();
  }

  @Test
  void invalidateUser_dropsOnlyThatUsersTokens() {
    String alice1 = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    String alice2 = tokens.assign("alice", 3, "bbcdefghijklmnop", 66);
    String bob = tokens.assign("bob", 3, "cbcdefghijklmnop", 67);

    tokens.invalidateUser("alice");

    assertThat(tokens.info(alice1, 3)).isEmpty();
    assertThat(tokens.info(alice2, 3)).isEmpty();
    assertThat(tokens.info(bob, 3)).contains(new AuthInfo("bob", 3));
  }

  @Test
  void expireAll_dropsEveryToken() {
    String alice = tokens.assign("alice", 3, "abcdefghijklmnop", 65);
    String bob = tokens.assign("bob", 3, "bbcdefghijklmnop", 66);

    tokens.expireAll();

    assertThat(tokens.info(alice, 3)).isEmpty();
    assertThat(tokens.info(bob, 3)).isEmpty();
  }

  @Test
  void expireAll_laterTokensWork() {
    tokens.expireAll();

    String token = tokens.assign("alice", 3, "abcdefghijklmnop", 65);

    assertThat(tokens.info(token, 3)).isPresent();
  }
}
