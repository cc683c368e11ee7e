package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimConfigTest {

  @Test
  void builder_defaultsAreEtcds() {
    SimConfig c = SimConfig.builder().build();
    assertThat(c.heartbeat()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.election()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.electionTicks()).isEqualTo(10);
    assertThat(c.preVote()).isTrue();
    assertThat(c.checkQuorum()).isTrue();
    assertThat(c.clockMode()).isEqualTo(VirtualClock.Mode.MANUAL);
  }

  @Test
  void build_rejectsElectionNotAMultipleOfHeartbeat() {
    SimConfig.Builder b = SimConfig.builder().heartbeat(Duration.ofMillis(300))
        .election(Duration.ofMillis(1000));
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT1S").hasMessageContaining("PT0.3S");
  }

  @Test
  void build_rejectsElectionNotAboveHeartbeat() {
    SimConfig.Builder b = SimConfig.builder().election(Duration.ofMillis(100));
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0.1S");
  }

  @Test
  void setters_rejectBadValuesNamingThem() {
    SimConfig.Builder b = SimConfig.builder();
    assertThatThrownBy(() -> b.members(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> b.heartbeat(Duration.ZERO)).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.snapshotEntries(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> b.traceCapacity(0)).hasMessageContaining("traceCapacity");
  }
}
