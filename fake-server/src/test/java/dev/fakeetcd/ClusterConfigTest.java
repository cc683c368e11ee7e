package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  @Test
  void defaults_followEtcd34() {
    ClusterConfig c = ClusterConfig.defaults();

    assertThat(c.heartbeat()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.election()).isEqualTo(Duration.ofMillis(1000));
    assertThat(c.maxTxnOps()).isEqualTo(128);
    assertThat(c.maxRequestBytes()).isEqualTo(1_572_864);
    assertThat(c.tcp()).isFalse();
    assertThat(c.quotaBackendBytes()).isZero();
  }

  @Test
  void members_belowOne_isRejectedNamingIt() {
    assertThatThrownBy(() -> ClusterConfig.builder().members(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("members");
  }

  @Test
  void build_electionNotAMultipleOfHeartbeat_isRejectedNamingIt() {
    assertThatThrownBy(() -> ClusterConfig.builder().election(Duration.ofMillis(1050)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("election");
  }
}
