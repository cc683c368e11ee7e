package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.election.LeaderResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Leader election of a service running on three hosts: when the host of the elected instance is
 * cut off, its lease runs out on the virtual clock and a standby takes over; watchers see it.
 */
@EtcdTest(members = 3)
class ElectionFailoverTest {

  static final ByteSequence ELECTION = bytes("scheduler");

  /** One instance of the service, talking to the etcd member on its host. */
  static Client instanceOn(Member member) {
    return Client.builder().endpoints(member.endpoint().orElseThrow()).build();
  }

  @Test
  void campaign_leaderHostIsolated_standbyTakesOverAndObserversSeeIt(EtcdCluster cluster)
      throws Exception {
    Member hostA = cluster.member(0);
    try (Client a = instanceOn(hostA); Client b = instanceOn(cluster.member(1));
        Client watcher = instanceOn(cluster.member(2))) {
      long leaseA = a.getLeaseClient().grant(5).get().getID();    // never kept alive: it hangs
      long leaseB = b.getLeaseClient().grant(60).get().getID();
      a.getElectionClient().campaign(ELECTION, leaseA, bytes("instance-a")).get();
      CompletableFuture<CampaignResponse> standby =
          b.getElectionClient().campaign(ELECTION, leaseB, bytes("instance-b"));
      LinkedBlockingQueue<String> seen = observe(watcher.getElectionClient());
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-a");
      assertThat(standby).isNotDone();

      cluster.network().isolate(hostA);
      cluster.clock().advance(Duration.ofSeconds(15));     // elections, then lease A's expiry

      assertThat(standby.get(10, TimeUnit.SECONDS).getLeader().getKey())
          .isEqualTo(bytes("scheduler/" + Long.toHexString(leaseB)));
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("instance-b");
      assertThat(b.getElectionClient().leader(ELECTION).get().getKv().getValue())
          .isEqualTo(bytes("instance-b"));
    }
  }

  static LinkedBlockingQueue<String> observe(Election election) {
    LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
    election.observe(ELECTION, new Election.Listener() {
      @Override
      public void onNext(LeaderResponse response) {
        seen.add(response.getKv().getValue().toString(StandardCharsets.UTF_8));
      }

      @Override
      public void onError(Throwable throwable) {
      }

      @Override
      public void onCompleted() {
      }
    });
    return seen;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
