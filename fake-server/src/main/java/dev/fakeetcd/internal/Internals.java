package dev.fakeetcd.internal;

import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.sim.SimCluster;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.StateMachine;
import java.time.Duration;

/**
 * The one way the benchmarks (module {@code benchmarks}) reach below the front door, to measure
 * layers on their own. Public only because Java cannot open a class to one other module; not API.
 */
public final class Internals {

  private Internals() {
  }

  /** KV calls straight into one member's MVCC store, without gRPC, Raft or apply; one caller. */
  public interface Store {
    RangeResponse range(RangeRequest request);

    PutResponse put(PutRequest request);

    TxnResponse txn(TxnRequest request);
  }

  /** A new, empty MVCC store, as one member holds it, in which no lease exists. */
  public static Store newStore() {
    MvccStore store = new MvccStore(lease -> false);
    return new Store() {
      @Override
      public RangeResponse range(RangeRequest request) {
        return store.range(request);
      }

      @Override
      public PutResponse put(PutRequest request) {
        return store.put(request).response();
      }

      @Override
      public TxnResponse txn(TxnRequest request) {
        return store.txn(request).response();
      }
    };
  }

  /**
   * Runs a simulated cluster of {@code members} with Raft, network and clock only (no state
   * machine; etcd's default timing): waits for a leader, then lets {@code duration} of virtual time
   * pass.
   *
   * @return how many trace events the run recorded
   * @throws IllegalStateException if the cluster has no leader at the end
   */
  public static long runIdleCluster(long seed, int members, Duration duration) {
    SimCluster<NoState> cluster =
        SimCluster.start(seed, SimConfig.builder().members(members).build(), id -> new NoState());
    cluster.awaitLeader(Duration.ofSeconds(10));
    cluster.clock().advance(duration);
    if (cluster.leader().isEmpty()) {
      throw new IllegalStateException("lost the leader in a healthy cluster:"
          + cluster.describeMembers());
    }
    return cluster.trace().recordedCount();
  }

  /** Holds nothing, so a run measures Raft, network and clock, not a store. */
  private static final class NoState implements StateMachine {
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
}
