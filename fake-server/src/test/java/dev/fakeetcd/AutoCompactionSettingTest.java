package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoCompactionSettingTest {

  @Test
  void parse_periodicCount_isHours() {
    assertThat(AutoCompaction.parse("periodic", "5"))
        .contains(AutoCompaction.periodic(Duration.ofHours(5)));
  }

  @Test
  void parse_periodicGoDuration_isThatDuration() {
    assertThat(AutoCompaction.parse("periodic", "1h30m"))
        .contains(AutoCompaction.periodic(Duration.ofMinutes(90)));
  }

  @Test
  void parse_zeroRetention_isOff() {
    assertThat(AutoCompaction.parse("revision", "0")).isEmpty();
  }

  @Test
  void parse_unknownMode_namesIt() {
    assertThatThrownBy(() -> AutoCompaction.parse("hourly", "1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"hourly\"");
  }

  @Test
  void periodic_zero_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> AutoCompaction.periodic(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
  }

  @Test
  void revision_negative_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> AutoCompaction.revision(-3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
  }

  @Test
  void clusterConfig_default_hasNoAutoCompaction() {
    assertThat(ClusterConfig.defaults().autoCompaction()).isEmpty();
  }
}
