package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Why a distributed lock needs fencing: a holder cut off from the cluster keeps believing it holds
 * the lock (nothing tells it otherwise) while its lease expires and a second worker acquires it.
 */
@EtcdTest(members = 3)
class LostLockTest {

  /** The code under test: a worker that remembers whether it holds the lock. */
  static final class Worker implements AutoCloseable {
    final Client client;
    volatile boolean believesItHoldsTheLock;

    Worker(Member host) {
      client = Client.builder().endpoints(host.endpoint().orElseThrow()).build();
    }

    CompletableFuture<LockResponse> acquire(String lock, long ttlSeconds) throws Exception {
      long lease = client.getLeaseClient().grant(ttlSeconds).get().getID();
      return client.getLockClient().lock(bytes(lock), lease).whenComplete((r, failure) ->
          believesItHoldsTheLock = failure == null);
    }

    @Override
    public void close() {
      client.close();
    }
  }

  @Test
  void lock_holderIsolated_secondWorkerAcquiresWhileFirstStillBelievesItHoldsIt(
      EtcdCluster cluster) throws Exception {
    Member isolatedHost = cluster.member(0);
    try (Worker first = new Worker(isolatedHost); Worker second = new Worker(cluster.member(1))) {
      LockResponse held = first.acquire("jobs/nightly", 5).get(10, TimeUnit.SECONDS);
      CompletableFuture<LockResponse> waiting = second.acquire("jobs/nightly", 60);
      assertThat(waiting).isNotDone();

      cluster.network().isolate(isolatedHost);
      cluster.clock().advance(Duration.ofSeconds(15));     // no keep-alive reaches the leader

      LockResponse taken = waiting.get(10, TimeUnit.SECONDS);
      assertThat(taken.getKey()).isNotEqualTo(held.getKey());
      assertThat(second.believesItHoldsTheLock).isTrue();
      assertThat(first.believesItHoldsTheLock).isTrue();     // two holders: fencing needed
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
