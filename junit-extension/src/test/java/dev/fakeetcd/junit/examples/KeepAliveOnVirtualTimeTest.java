package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A lease that jetcd keeps alive lives however far virtual time jumps, as it would on a real etcd
 * where its client renews it all along: its member renews it in virtual time for the stream.
 */
class KeepAliveOnVirtualTimeTest {

  @Test
  @EtcdTest(members = 1)
  void keepAlive_fiveMinuteAdvance_oneMember_leaseLives(EtcdCluster cluster, Client client)
      throws Exception {
    leaseLivesThroughFiveMinutes(cluster, client);
  }

  @Test
  @EtcdTest(members = 3)
  void keepAlive_fiveMinuteAdvance_threeMembers_leaseLives(EtcdCluster cluster, Client client)
      throws Exception {
    leaseLivesThroughFiveMinutes(cluster, client);
  }

  private static void leaseLivesThroughFiveMinutes(EtcdCluster cluster, Client client)
      throws Exception {
    try (KeptAlive lease = KeptAlive.grant(client, 10)) {
      cluster.clock().advance(Duration.ofMinutes(5));

      assertThat(lease.ttl(client)).isPositive();
      assertThat(lease.errors).isEmpty();
    }
  }

  /**
   * In AUTO_ADVANCE mode a call that waits for time moves the clock: a put on a cut-off member
   * jumps to its request timeout. A lease kept alive through a healthy member lives through it.
   */
  @Test
  @EtcdTest(members = 3)
  void autoAdvanceJumpOfAStuckCall_doesNotExpireALeaseKeptAliveElsewhere(EtcdCluster cluster)
      throws Exception {
    Member healthy = cluster.leader().orElseThrow();
    Member cutOff = cluster.members().stream().filter(m -> !m.isLeader()).findFirst().orElseThrow();
    try (Client service = onlyOn(healthy); Client stuck = onlyOn(cutOff);
        KeptAlive lease = KeptAlive.grant(service, 5)) {
      cluster.network().isolate(cutOff);
      long before = cluster.clock().nanos();

      ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(
          ExecutionException.class, () -> stuck.getKVClient().put(bytes("k"), bytes("v"))
              .get(30, TimeUnit.SECONDS));

      assertThat(failed).hasMessageContaining("etcdserver:");
      assertThat(Duration.ofNanos(cluster.clock().nanos() - before))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(7));
      assertThat(lease.ttl(service)).isPositive();
      assertThat(lease.errors).isEmpty();
    }
  }

  /**
   * A closed client renews nothing: its lease expires a TTL later. The close reaches the member a
   * moment after {@code close()} returns, so the test waits for it before moving the clock.
   */
  @Test
  @EtcdTest(members = 3)
  void closedClient_leaseExpiresAfterItsTtl(EtcdCluster cluster, Client observer) throws Exception {
    Client service = onlyOn(cluster.member(0));
    KeptAlive lease = KeptAlive.grant(service, 5);
    cluster.clock().advance(Duration.ofMinutes(1));
    long ttlWhileOpen = lease.ttl(observer);

    service.close();
    cluster.leases().awaitNotKeptAlive(lease.id);
    cluster.clock().advance(Duration.ofSeconds(7));

    assertThat(ttlWhileOpen).isPositive();
    assertThat(lease.ttl(observer)).isEqualTo(-1);
  }

  static Client onlyOn(Member member) {
    return Client.builder().endpoints(member.endpoint().orElseThrow()).build();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
