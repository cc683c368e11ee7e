package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.examples.LostLockTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two workers take a jetcd {@code Lock} with leases they keep alive: the holder keeps it however
 * long the clock runs, until its host is cut off; then the other worker acquires it.
 */
@EtcdTest(members = 3)
class KeptAliveLockTest {

  static final String LOCK = "jobs/nightly";

  @Test
  void lock_keptAliveLeases_holderKeepsItUntilItsHostIsIsolated(EtcdCluster cluster)
      throws Exception {
    Member hostA = cluster.member(0);
    try (Client a = KeepAliveOnVirtualTimeTest.onlyOn(hostA);
        Client b = KeepAliveOnVirtualTimeTest.onlyOn(cluster.member(1));
        KeptAlive leaseA = KeptAlive.grant(a, 5); KeptAlive leaseB = KeptAlive.grant(b, 5)) {
      LockResponse held = a.getLockClient().lock(bytes(LOCK), leaseA.id).get(10, TimeUnit.SECONDS);
      CompletableFuture<LockResponse> waiting = b.getLockClient().lock(bytes(LOCK), leaseB.id);

      cluster.clock().advance(Duration.ofMinutes(2));

      assertThat(b.getKVClient().get(held.getKey()).get(10, TimeUnit.SECONDS).getCount())
          .isEqualTo(1);
      assertThat(waiting).isNotDone();
      assertThat(leaseA.errors).isEmpty();

      cluster.network().isolate(hostA);
      cluster.clock().advance(Duration.ofSeconds(15));     // lease A is no longer renewed

      LockResponse taken = waiting.get(10, TimeUnit.SECONDS);
      assertThat(taken.getKey()).isNotEqualTo(held.getKey());
      assertThat(b.getKVClient().get(held.getKey()).get(10, TimeUnit.SECONDS).getCount())
          .isZero();
      assertThat(leaseB.errors).isEmpty();
    }
  }
}
