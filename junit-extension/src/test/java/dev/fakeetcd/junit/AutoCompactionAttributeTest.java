package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.AutoCompaction;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.VirtualClock;
import java.time.Duration;

class AutoCompactionAttributeTest {

  @EtcdTest(members = 1, seed = 1, tcp = false, clock = VirtualClock.Mode.MANUAL,
      autoCompactionMode = "revision", autoCompactionRetention = "1000")
  void revisionAttributes_configureRevisionAutoCompaction(EtcdCluster cluster) {
    assertThat(cluster.config().autoCompaction()).contains(AutoCompaction.revision(1000));
  }

  @EtcdTest(members = 1, seed = 1, tcp = false, clock = VirtualClock.Mode.MANUAL,
      autoCompactionRetention = "90m")
  void periodicDuration_configuresPeriodicAutoCompaction(EtcdCluster cluster) {
    assertThat(cluster.config().autoCompaction())
        .contains(AutoCompaction.periodic(Duration.ofMinutes(90)));
  }

  @EtcdTest(members = 1, seed = 1, tcp = false, clock = VirtualClock.Mode.MANUAL)
  void defaults_leaveAutoCompactionOff(EtcdCluster cluster) {
    assertThat(cluster.config().autoCompaction()).isEmpty();
  }
}
