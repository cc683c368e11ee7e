package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenProviderTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"),
      ZoneOffset.UTC);

  private static TokenProvider of(String flag) {
    return TokenProvider.of(AuthTokenSpec.parse(flag), Duration.ofSeconds(300), CLOCK);
  }

  @Test
  void of_simple_isSimpleTokens() {
    assertThat(of("simple")).isInstanceOf(SimpleTokens.class);
  }

  @Test
  void of_emptyFlag_issuesNoToken() {
    TokenProvider tokens = of("");
    tokens.enable();

    assertThatThrownBy(() -> tokens.assign("alice", 1, "", 5))
        .isInstanceOfSatisfying(EtcdException.class,
            e -> assertThat(e.error()).isEqualTo(EtcdError.AUTH_FAILED));
  }

  @Test
  void of_emptyFlag_knowsNoToken() {
    assertThat(of("").info("abcdefghijklmnop.5", 1)).isEmpty();
  }
}
