package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.ElectionFailoverTest.ELECTION;
import static dev.fakeetcd.junit.examples.ElectionFailoverTest.bytes;
import static dev.fakeetcd.junit.examples.ElectionFailoverTest.instanceOn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.election.CampaignResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two instances of a service campaign with leases they keep alive, as jetcd users do: the leader
 * stays leader however long the clock runs, until its host is cut off; then the standby leads.
 */
@EtcdTest(members = 3)
class KeptAliveElectionTest {

  @Test
  void campaign_keptAliveLeases_leaderStaysUntilItsHostIsIsolated(EtcdCluster cluster)
      throws Exception {
    Member hostA = cluster.member(0);
    try (Client a = instanceOn(hostA); Client b = instanceOn(cluster.member(1));
        KeptAlive leaseA = KeptAlive.grant(a, 5); KeptAlive leaseB = KeptAlive.grant(b, 5)) {
      a.getElectionClient().campaign(ELECTION, leaseA.id, bytes("instance-a"))
          .get(10, TimeUnit.SECONDS);
      CompletableFuture<CampaignResponse> standby =
          b.getElectionClient().campaign(ELECTION, leaseB.id, bytes("instance-b"));

      cluster.clock().advance(Duration.ofMinutes(2));

      assertThat(b.getElectionClient().leader(ELECTION).get(10, TimeUnit.SECONDS).getKv()
          .getValue()).isEqualTo(bytes("instance-a"));
      assertThat(standby).isNotDone();
      assertThat(leaseA.errors).isEmpty();

      cluster.network().isolate(hostA);
      cluster.clock().advance(Duration.ofSeconds(15));     // lease A is no longer renewed

      assertThat(standby.get(10, TimeUnit.SECONDS).getLeader().getKey())
          .isEqualTo(bytes("scheduler/" + Long.toHexString(leaseB.id)));
      assertThat(b.getElectionClient().leader(ELECTION).get(10, TimeUnit.SECONDS).getKv()
          .getValue()).isEqualTo(bytes("instance-b"));
      assertThat(leaseB.errors).isEmpty();
    }
  }
}
