package dev.fakeetcd.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watch fan-out through jetcd: {@link #WATCHERS} watchers (one client, a stream each) on one
 * prefix, {@link #PUTS} puts under it from {@link #WRITERS} callers of a second client; measured
 * from the first put until every watcher has had every event exactly once.
 */
final class WatchFanOut {

  static final int WATCHERS = 100;
  static final int PUTS = 10_000;
  static final int WRITERS = 8;
  private static final ByteSequence PREFIX = bytes("fanout/");

  /** {@code complete} is false when the limit passed first; then {@code delivered} is partial. */
  record Result(double writeSeconds, double deliverSeconds, long delivered, long responses,
      boolean complete) {

    double eventsPerSecond() {
      return delivered / deliverSeconds;
    }
  }

  private WatchFanOut() {
  }

  static Result run(List<URI> endpoints, Duration limit) throws Exception {
    String[] targets = endpoints.stream().map(URI::toString).toArray(String[]::new);
    try (Client watching = Client.builder().endpoints(targets).build();
        Client writing = Client.builder().endpoints(targets).build()) {
      KV kv = writing.getKVClient();
      // From an explicit revision, so a watcher whose stream opens late still gets everything.
      long from = kv.get(PREFIX).get().getHeader().getRevision() + 1;
      AtomicLong delivered = new AtomicLong();
      AtomicLong responses = new AtomicLong();
      CountDownLatch everyone = new CountDownLatch(WATCHERS);
      List<Watch.Watcher> watchers = new ArrayList<>();
      WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from).build();
      for (int i = 0; i < WATCHERS; i++) {
        AtomicInteger seen = new AtomicInteger();
        watchers.add(watching.getWatchClient().watch(PREFIX, option, response -> {
          int n = response.getEvents().size();
          delivered.addAndGet(n);
          responses.incrementAndGet();
          if (seen.addAndGet(n) == PUTS) { // a duplicate would overshoot and never count down
            everyone.countDown();
          }
        }));
      }
      ExecutorService callers = Executors.newFixedThreadPool(WRITERS);
      try {
        long start = System.nanoTime();
        List<Future<?>> writes = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writes.add(callers.submit(() -> {
            for (int i = writer; i < PUTS; i += WRITERS) {
              kv.put(bytes("fanout/" + i), bytes("v" + i)).get();
            }
            return null;
          }));
        }
        for (Future<?> f : writes) {
          f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        long written = System.nanoTime();
        boolean complete = everyone.await(limit.toNanos() - (written - start),
            TimeUnit.NANOSECONDS);
        long end = System.nanoTime();
        return new Result((written - start) / 1e9, (end - start) / 1e9, delivered.get(),
            responses.get(), complete);
      } finally {
        callers.shutdownNow();
        watchers.forEach(Watch.Watcher::close);
      }
    }
  }

  static String describe(Result r) {
    return r.complete() ? String.format(Locale.ROOT, "%.2f s", r.deliverSeconds())
        : String.format(Locale.ROOT, "incomplete: %,d of %,d events in %.0f s",
            r.delivered(), (long) WATCHERS * PUTS, r.deliverSeconds());
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
