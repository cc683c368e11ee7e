package dev.fakeetcd;

import dev.fakeetcd.internal.server.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The cluster's leases, for tests: what the leader holds, and expiring one without waiting.
 *
 * <pre>{@code cluster.leases().expireNow(leaseId);}</pre>
 */
public final class Leases {

  private static final Duration WAIT_LIMIT = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(5);

  private final Cluster cluster;

  Leases(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Every lease with its remaining virtual time on the leader, soonest expiry first. */
  public List<LeaseInfo> list() {
    return cluster.leases((id, ttl, remaining) -> new LeaseInfo(id, ttl, Duration.ofNanos(remaining)));
  }

  /**
   * Expires lease {@code id} now: the leader proposes its revoke through Raft as its expiry scan
   * would, so its keys are deleted in one revision and watchers see the DELETE events. On a
   * healthy cluster it is gone when this returns.
   *
   * @return false if the leader holds no such lease
   */
  public boolean expireNow(long id) {
    return cluster.expireLease(id);
  }

  /**
   * Waits until no open keep-alive stream renews lease {@code id}. A stream that renewed a lease
   * renews it in virtual time on its client's behalf until it ends; a client's close reaches its
   * member over the transport a moment after {@code close()} returns, so a test that closes a
   * client and then moves the clock waits here first. Waits in wall time, at most 10 seconds.
   *
   * @throws IllegalStateException if a stream still renews it after 10 seconds
   */
  public void awaitNotKeptAlive(long id) {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    while (cluster.isKeptAlive(id)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("lease " + Long.toHexString(id)
            + " is still kept alive by an open keep-alive stream after " + WAIT_LIMIT.toSeconds()
            + " s: close the client (or its stream), or revoke the lease");
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }
}
