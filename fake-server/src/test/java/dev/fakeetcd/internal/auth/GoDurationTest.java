package dev.fakeetcd.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Cases from Go's time.ParseDuration tests and docs. */
class GoDurationTest {

  @Test
  void parse_singleUnits() {
    assertThat(GoDuration.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(GoDuration.parse("300s")).isEqualTo(Duration.ofSeconds(300));
    assertThat(GoDuration.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(GoDuration.parse("15ms")).isEqualTo(Duration.ofMillis(15));
    assertThat(GoDuration.parse("7us")).isEqualTo(Duration.ofNanos(7_000));
    assertThat(GoDuration.parse("7\u00b5s")).isEqualTo(Duration.ofNanos(7_000));
    assertThat(GoDuration.parse("7\u03bcs")).isEqualTo(Duration.ofNanos(7_000));
    assertThat(GoDuration.parse("9ns")).isEqualTo(Duration.ofNanos(9));
  }

  @Test
  void parse_sequenceOfUnits_adds() {
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1h15m30.918273645s"))
        .isEqualTo(Duration.ofSeconds(4530, 918_273_645));
  }

  @Test
  void parse_fractions() {
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse(".5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("1.s")).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void parse_signs() {
    assertThat(GoDuration.parse("-1s")).isEqualTo(Duration.ofSeconds(-1));
    assertThat(GoDuration.parse("+4s")).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void parse_zeroNeedsNoUnit() {
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("-0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void parse_extremes() {
    assertThat(GoDuration.parse("9223372036854775807ns"))
        .isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(GoDuration.parse("-9223372036854775808ns"))
        .isEqualTo(Duration.ofNanos(Long.MIN_VALUE));
  }

  @Test
  void parse_malformed_failsWithGosText() {
    for (String bad : new String[] {"", "-", "3", ".", "s", "1.2.3s", "x5m", "1e3s",
        "9223372036854775808ns", "3000000h"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("time: ");
    }
  }

  @Test
  void parse_missingUnit_saysSo() {
    assertThatThrownBy(() -> GoDuration.parse("3"))
        .hasMessage("time: missing unit in duration \"3\"");
  }

  @Test
  void parse_unknownUnit_namesIt() {
    assertThatThrownBy(() -> GoDuration.parse("3d"))
        .hasMessage("time: unknown unit \"d\" in duration \"3d\"");
  }

  @Test
  void parse_overflow_isInvalid() {
    assertThatThrownBy(() -> GoDuration.parse("3000000h"))
        .hasMessage("time: invalid duration \"3000000h\"");
  }
}
