package dev.fakeetcd.benchmarks;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.sim.SimCluster;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.StateMachine;
import java.time.Duration;
import java.util.Arrays;

/**
 * Wall time of one simulated hour of a healthy, idle 5-member cluster (heartbeats, etcd's default
 * timing): the median of several runs after warm-up. Arguments: [runs] [warm-up runs].
 */
public final class SimulatedHour {

  private static final Duration HOUR = Duration.ofHours(1);

  /** Holds nothing: the benchmark measures Raft, network and clock, not a store. */
  private static final class Nothing implements StateMachine {
    @Override
    public void apply(long index, long term, byte[] data) {
    }

    @Override
    public void applyConfChange(long index, long term, ConfChange change, ConfState confState) {
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(long index, long term, byte[] snapshot) {
    }
  }

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
    SimCluster<Nothing> cluster =
        SimCluster.start(seed, SimConfig.builder().members(5).build(), id -> new Nothing());
    cluster.awaitLeader(Duration.ofSeconds(10));
    cluster.clock().advance(HOUR);
    if (cluster.leader().isEmpty()) {
      throw new IllegalStateException("lost the leader in a healthy cluster:"
          + cluster.describeMembers());
    }
    return cluster.trace().recordedCount();
  }
}
