package dev.fakeetcd.benchmarks;

import dev.fakeetcd.internal.Internals;
import java.time.Duration;
import java.util.Arrays;

/**
 * Wall time of one simulated hour of a healthy, idle 5-member cluster (heartbeats, etcd's default
 * timing): the median of several runs after warm-up. Arguments: [runs] [warm-up runs].
 */
public final class SimulatedHour {

  private static final Duration HOUR = Duration.ofHours(1);

  private SimulatedHour() {
  }

  /** The sorted wall times of the measured runs, and the trace events one run records. */
  record Runs(long[] millis, long events) {
    long median() {
      return millis[millis.length / 2];
    }
  }

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Runs result = measure(runs, warmups);
    System.out.printf("one simulated hour, healthy 5-member cluster: median %d ms wall"
        + " (runs %s, %d trace events per run)%n", result.median(),
        Arrays.toString(result.millis()), result.events());
  }

  static Runs measure(int runs, int warmups) {
    for (int i = 0; i < warmups; i++) {
      runOnce(i);
    }
    long[] millis = new long[runs];
    long events = 0;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      events = runOnce(1000 + i);
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    Arrays.sort(millis);
    return new Runs(millis, events);
  }

  private static long runOnce(long seed) {
    return Internals.runIdleCluster(seed, 5, HOUR);
  }
}
