package dev.fakeetcd.sim;

import static dev.fakeetcd.sim.ReplicatedList.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.raft.Role;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SimClusterTest {

  private static SimCluster<ReplicatedList> cluster(int members) {
    return SimCluster.start(1, SimConfig.builder().members(members).checkInvariants(true).build(),
        id -> new ReplicatedList());
  }

  @Test
  void awaitLeader_electsExactlyOneLeader() {
    SimCluster<ReplicatedList> cluster = cluster(3);
    SimMember<ReplicatedList> leader = cluster.awaitLeader(Duration.ofSeconds(5));
    assertThat(cluster.members()).filteredOn(m -> m.status().role() == Role.LEADER)
        .containsExactly(leader);
    assertThat(cluster.members()).allSatisfy(m -> assertThat(m.status().leaderId()).isEqualTo(leader.id()));
  }

  @Test
  void propose_isAppliedOnEveryMemberWithoutTimePassing() {
    SimCluster<ReplicatedList> cluster = cluster(3);
    cluster.awaitLeader(Duration.ofSeconds(5));
    long before = cluster.clock().nanos();
    CompletableFuture<Long> put = cluster.propose(command("a"));
    assertThat(put).isCompleted();
    assertThat(cluster.clock().nanos()).isEqualTo(before);
    assertThat(cluster.members()).allSatisfy(m -> {
      assertThat(m.stateMachine().commands()).endsWith("a");
      assertThat(m.appliedIndex()).isEqualTo(put.join());
    });
  }
}
