package dev.fakeetcd;

import dev.fakeetcd.internal.server.Cluster;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The simulated network between the members of an {@link EtcdCluster} (peer traffic: Raft messages
 * and forwarded proposals; clients are not affected, see {@link ClientLinks}). Links are one-way;
 * every change is recorded in the cluster's trace. Safe to call from any thread.
 *
 * <pre>{@code
 * Network net = cluster.network();
 * net.isolate(cluster.leader().orElseThrow());      // cut every link to and from the leader
 * cluster.clock().advance(Duration.ofSeconds(3));   // the others elect a new leader
 * net.heal();                                       // all faults gone, held messages delivered
 * }</pre>
 */
public final class Network {

  private final Cluster cluster;

  Network(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Cuts every link between members of different groups, both ways; members in no group form one
   * more group. Adds to cuts in place.
   *
   * <pre>{@code net.partition(List.of(m0), List.of(m1, m2));  // m0 alone, m1 and m2 together}</pre>
   */
  @SafeVarargs
  public final void partition(Collection<Member>... groups) {
    @SuppressWarnings("unchecked")
    Set<Long>[] ids = new Set[groups.length];
    for (int g = 0; g < groups.length; g++) {
      ids[g] = new TreeSet<>();
      for (Member m : groups[g]) {
        ids[g].add(m.id());
      }
    }
    synchronized (cluster.lock()) {
      cluster.network().partition(ids);
    }
  }

  /** Cuts every link to and from {@code member}. */
  public void isolate(Member member) {
    synchronized (cluster.lock()) {
      cluster.network().isolate(member.id());
    }
  }

  /** Cuts the one-way link {@code from -> to}; the reverse direction keeps working. */
  public void cut(Member from, Member to) {
    synchronized (cluster.lock()) {
      cluster.network().cut(from.id(), to.id());
    }
  }

  /** Whether the one-way link {@code from -> to} is cut. */
  public boolean isCut(Member from, Member to) {
    synchronized (cluster.lock()) {
      return cluster.network().isCut(from.id(), to.id());
    }
  }

  /**
   * Removes every fault (cuts, latency, loss, duplication, holds) and delivers held messages,
   * oldest first, with what that causes at the current instant.
   */
  public void heal() {
    synchronized (cluster.lock()) {
      cluster.network().heal();
      cluster.clock().runUntilIdle();
    }
  }

  /**
   * Delays every message on links without a latency of their own by {@code base} plus a uniform
   * draw from [0, {@code jitter}] (from the seed); a jitter reorders messages.
   *
   * <pre>{@code net.latency(Duration.ofMillis(50), Duration.ofMillis(20));}</pre>
   */
  public void latency(Duration base, Duration jitter) {
    synchronized (cluster.lock()) {
      cluster.network().latency(base, jitter);
    }
  }

  /** As {@link #latency(Duration, Duration)}, on the one link {@code from -> to}. */
  public void latency(Member from, Member to, Duration base, Duration jitter) {
    synchronized (cluster.lock()) {
      cluster.network().latency(from.id(), to.id(), base, jitter);
    }
  }

  /** Loses each message on links without a rate of their own with {@code probability}. */
  public void lossRate(double probability) {
    synchronized (cluster.lock()) {
      cluster.network().lossRate(probability);
    }
  }

  /** Loses each message on {@code from -> to} with {@code probability}. */
  public void lossRate(Member from, Member to, double probability) {
    synchronized (cluster.lock()) {
      cluster.network().lossRate(from.id(), to.id(), probability);
    }
  }

  /**
   * Delivers each Raft message twice with {@code probability}, as retransmissions would. Client
   * proposals a follower forwards to the leader are never copied: etcd's transport does not
   * deliver twice, and a copied proposal would be a second write.
   */
  public void duplicationRate(double probability) {
    synchronized (cluster.lock()) {
      cluster.network().duplicationRate(probability);
    }
  }

  /**
   * Keeps every message sent on {@code from -> to} from now on until {@link #release} or
   * {@link #heal}.
   *
   * <pre>{@code
   * net.hold(leader, follower);
   * ... // writes commit on the other members; follower hears nothing
   * net.release(leader, follower);                    // follower catches up, in order
   * }</pre>
   */
  public void hold(Member from, Member to) {
    synchronized (cluster.lock()) {
      cluster.network().hold(from.id(), to.id());
    }
  }

  /** Stops holding {@code from -> to} and sends what was held, oldest first. */
  public void release(Member from, Member to) {
    synchronized (cluster.lock()) {
      cluster.network().release(from.id(), to.id());
      cluster.clock().runUntilIdle();
    }
  }

  /** How many messages are held on {@code from -> to}. */
  public int heldCount(Member from, Member to) {
    synchronized (cluster.lock()) {
      return cluster.network().heldCount(from.id(), to.id());
    }
  }
}
