package dev.fakeetcd.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EtcdBinary.class)
class RealEtcdClusterTest {

  @Test
  void close_stopsProcessesFreesPortsAndDeletesDataDirs() {
    RealEtcdCluster cluster = RealEtcdCluster.start(EtcdBinary.path(), "harness-close", 1, List.of());
    List<RealEtcdCluster.Member> members = cluster.members();

    cluster.close();

    for (RealEtcdCluster.Member member : members) {
      assertThat(member.process().isAlive()).isFalse();
      assertThat(member.dataDir()).doesNotExist();
      for (int port : List.of(member.clientUrl().getPort(), member.peerUrl().getPort())) {
        assertThatCode(() -> new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close())
            .as("port %d is free again", port)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void start_memberExitsEarly_failsWithItsLogTail() {
    assertThatThrownBy(() -> RealEtcdCluster.start(
            EtcdBinary.path(), "harness-bad-flag", 1, List.of("--no-such-flag")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("flag provided but not defined: -no-such-flag");
  }
}
