package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.lock.LockResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Two workers, each on its own thread and member, take turns under a jetcd {@code Lock} to
 * read a key and write it plus one (no compare: the lock alone keeps them apart); the recorded
 * history, Lock's own calls included, is then checked.
 */
class HistoryCheckedLockTest {

  @Nested
  @EtcdTest(members = 1)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3)
  class ThreeMembers extends Scenarios {
  }

  static final ByteSequence LOCK = bytes("locks/runs");
  static final ByteSequence RUNS = bytes("runs");
  static final int TURNS = 10;

  abstract static class Scenarios {

    @Test
    void lock_twoWorkersContending_loseNoUpdateAndHistoryIsLinearizable(EtcdCluster cluster)
        throws Exception {
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger mostInside = new AtomicInteger();
      ExecutorService threads = Executors.newFixedThreadPool(2); // one per worker
      try (Client a = KeepAliveOnVirtualTimeTest.onlyOn(cluster.member(0));
          Client b = KeepAliveOnVirtualTimeTest.onlyOn(
              cluster.member(cluster.members().size() - 1));
          KeptAlive leaseA = KeptAlive.grant(a, 5); KeptAlive leaseB = KeptAlive.grant(b, 5)) {
        a.getKVClient().put(RUNS, bytes("0")).get(10, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> workers = List.of(
            CompletableFuture.runAsync(() -> work(a, leaseA.id, inside, mostInside), threads),
            CompletableFuture.runAsync(() -> work(b, leaseB.id, inside, mostInside), threads));
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
            .get(60, TimeUnit.SECONDS);

        assertThat(a.getKVClient().get(RUNS).get(10, TimeUnit.SECONDS).getKvs().get(0)
            .getValue()).isEqualTo(bytes(Integer.toString(2 * TURNS)));
        assertThat(mostInside.get()).as("workers in the critical section at once").isOne();
        assertThat(leaseA.errors).isEmpty();
        assertThat(leaseB.errors).isEmpty();
      } finally {
        threads.shutdownNow();
      }

      assertThat(cluster).history().isLinearizable();
    }
  }

  /** The code under test: {@link #TURNS} times, under the lock, reads the runs and adds one. */
  static void work(Client client, long lease, AtomicInteger inside, AtomicInteger mostInside) {
    KV kv = client.getKVClient();
    try {
      for (int turn = 0; turn < TURNS; turn++) {
        LockResponse held = client.getLockClient().lock(LOCK, lease).get(10, TimeUnit.SECONDS);
        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        long runs = Long.parseLong(kv.get(RUNS).get(10, TimeUnit.SECONDS).getKvs().get(0)
            .getValue().toString());
        kv.put(RUNS, bytes(Long.toString(runs + 1))).get(10, TimeUnit.SECONDS);
        inside.decrementAndGet(); // before the unlock: the next holder may start once it is sent
        client.getLockClient().unlock(held.getKey()).get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
