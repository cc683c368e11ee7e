package dev.fakeetcd.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs one call from a number of callers, bounded in count and time; warm-up first. */
record Load(Duration warmup, Duration measure, int maxCalls) {

  /** Throughput over the measured phase and per-call latency percentiles. */
  record Stats(long calls, double perSecond, double p50Micros, double p99Micros) {
  }

  Stats run(Workload.Call call, int callers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      if (!warmup.isZero()) {
        phase(pool, call, callers, warmup);
      }
      return phase(pool, call, callers, measure);
    } finally {
      pool.shutdownNow();
    }
  }

  private Stats phase(ExecutorService pool, Workload.Call call, int callers, Duration length)
      throws InterruptedException, ExecutionException {
    int perCaller = maxCalls / callers;
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[1];
    List<Future<long[]>> results = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int first = c * perCaller;
      results.add(pool.submit(() -> {
        long[] latencies = new long[perCaller];
        go.await();
        long deadline = window[0];
        int n = 0;
        while (n < perCaller) {
          long start = System.nanoTime();
          if (start > deadline) {
            break;
          }
          call.run(first + n);
          latencies[n++] = System.nanoTime() - start;
        }
        return Arrays.copyOf(latencies, n);
      }));
    }
    long start = System.nanoTime();
    window[0] = start + length.toNanos();
    go.countDown();
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : results) {
      all.add(f.get());
    }
    long elapsed = System.nanoTime() - start;
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    if (merged.length == 0) {
      throw new IllegalStateException("no call completed within " + length);
    }
    return new Stats(merged.length, merged.length * 1e9 / elapsed,
        percentile(merged, 0.50) / 1e3, percentile(merged, 0.99) / 1e3);
  }

  private static long percentile(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
