package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Three services increment a shared counter with a compare-and-swap txn on its mod revision, each
 * on its own thread, while the leader's process is killed and started again twice; the recorded
 * history is then checked. A CAS on the mod revision applies at most once, but a txn that failed
 * with an error may or may not have applied, so the counter is at least the increments the
 * services saw succeed and at most that plus the txns that failed.
 */
class HistoryCheckedCounterTest {

  @Nested
  @EtcdTest(members = 1)
  class OneMember extends Scenarios {
  }

  @Nested
  @EtcdTest(members = 3)
  class ThreeMembers extends Scenarios {
  }

  static final ByteSequence COUNTER = bytes("counter");
  static final int SERVICES = 3;
  static final int INCREMENTS = 20;
  /** Attempts a service may spend (errors included) on its increments before it gives up. */
  static final int MAX_ATTEMPTS = 1_000;

  abstract static class Scenarios {

    @Test
    void casIncrement_throughLeaderCrashes_countsEveryAppliedIncrementOnceAndHistoryChecks(
        EtcdCluster cluster) throws Exception {
      AtomicInteger succeeded = new AtomicInteger();
      AtomicInteger unknown = new AtomicInteger();
      LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
      List<Throwable> watchErrors = new CopyOnWriteArrayList<>();
      Member firstLeader = cluster.awaitLeader();
      List<Client> services = new ArrayList<>();
      ExecutorService threads = Executors.newFixedThreadPool(SERVICES); // one per service
      // The watcher is on the first leader only, so that its stream breaks at the first crash.
      try (Client watching = Client.builder().endpoints(firstLeader.endpoint().orElseThrow())
          .build()) {
        for (int i = 0; i < SERVICES; i++) {
          services.add(Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new))
              .build());
        }
        long start = services.get(0).getKVClient().put(COUNTER, bytes("0")).get(10,
            TimeUnit.SECONDS).getHeader().getRevision();
        WatchOption from = WatchOption.builder().withRevision(start).build();
        try (Watch.Watcher watcher = watching.getWatchClient().watch(COUNTER, from,
            Watch.listener(r -> events.addAll(r.getEvents()), watchErrors::add))) {
          List<CompletableFuture<Void>> running = services.stream()
              .map(c -> CompletableFuture.runAsync(() -> increment(c.getKVClient(), succeeded,
                  unknown), threads))
              .toList();

          for (int round = 1; round <= 2; round++) {
            int progress = round * 15;
            await(() -> succeeded.get() >= progress, "%d increments", progress);
            Member leader = cluster.awaitLeader();
            int succeededBefore = succeeded.get();
            leader.crash();
            if (cluster.members().size() > 1) { // the others go on without it
              await(() -> succeeded.get() >= succeededBefore + 5, "increments after the crash");
            } // else jetcd's calls wait for the member to serve again (gRPC's wait-for-ready)
            leader.restart();
          }
          CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
              .get(60, TimeUnit.SECONDS);

          KV kv = services.get(0).getKVClient();
          long counter = Long.parseLong(value(kv.get(COUNTER).get(10, TimeUnit.SECONDS)
              .getKvs().get(0)));
          assertThat(succeeded.get()).isEqualTo(SERVICES * INCREMENTS);
          assertThat(counter).isBetween((long) succeeded.get(),
              (long) succeeded.get() + unknown.get());

          kv.put(COUNTER, bytes("done")).get(10, TimeUnit.SECONDS); // after any duplicate
          List<String> seen = new ArrayList<>();
          List<Long> revisions = new ArrayList<>();
          while (seen.isEmpty() || !seen.get(seen.size() - 1).equals("done")) {
            WatchEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("watch event after %s", seen).isNotNull();
            seen.add(value(e.getKeyValue()));
            revisions.add(e.getKeyValue().getModRevision());
          }
          List<String> expected = new ArrayList<>(LongStream.rangeClosed(0, counter)
              .mapToObj(Long::toString).toList());
          expected.add("done");
          assertThat(seen).containsExactlyElementsOf(expected);
          assertThat(revisions).isSorted().doesNotHaveDuplicates();
          assertThat(watchErrors).as("what the watch saw of the crash").isNotEmpty()
              .allSatisfy(e -> assertThat(((EtcdException) e).getErrorCode())
                  .isEqualTo(ErrorCode.UNAVAILABLE));
        }
      } finally {
        threads.shutdownNow();
        services.forEach(Client::close);
      }

      assertThat(cluster).history().isLinearizable().watchGuaranteesHold();
    }
  }

  /**
   * The code under test: reads the counter and writes it plus one if nobody wrote it in between,
   * until {@link #INCREMENTS} such writes succeeded. jetcd sends a txn once (it is not marked safe
   * to retry), so an error leaves its outcome unknown.
   */
  static void increment(KV kv, AtomicInteger succeeded, AtomicInteger unknown) {
    int mine = 0;
    for (int attempt = 0; mine < INCREMENTS; attempt++) {
      assertThat(attempt).as("attempts for %d increments", INCREMENTS).isLessThan(MAX_ATTEMPTS);
      KeyValue current;
      try {
        current = kv.get(COUNTER).get(10, TimeUnit.SECONDS).getKvs().get(0);
      } catch (ExecutionException e) { // read again
        continue;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      long next = Long.parseLong(value(current)) + 1;
      try {
        boolean swapped = kv.txn()
            .If(new Cmp(COUNTER, Cmp.Op.EQUAL, CmpTarget.modRevision(current.getModRevision())))
            .Then(Op.put(COUNTER, bytes(Long.toString(next)), PutOption.DEFAULT))
            .commit().get(10, TimeUnit.SECONDS).isSucceeded();
        if (swapped) {
          mine++;
          succeeded.incrementAndGet();
        }
      } catch (ExecutionException e) {
        unknown.incrementAndGet();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  static String value(KeyValue kv) {
    return kv.getValue().toString();
  }

  /** Polls {@code condition} every 10 ms for at most 20 s: the clients run on their own threads. */
  static void await(BooleanSupplier condition, String what, Object... args)
      throws InterruptedException {
    for (int i = 0; i < 2_000 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as(what, args).isTrue();
  }
}
