package dev.fakeetcd;

import dev.fakeetcd.server.EtcdServer;
import java.time.Duration;
import java.util.List;

/**
 * The cluster's leases, for tests: what the leader holds, and expiring one without waiting.
 *
 * <pre>{@code cluster.leases().expireNow(leaseId);}</pre>
 */
public final class Leases {

  private final EtcdServer server;

  Leases(EtcdServer server) {
    this.server = server;
  }

  /** Every lease with its remaining virtual time on the leader, soonest expiry first. */
  public List<LeaseInfo> list() {
    return server.leases((id, ttl, remaining) -> new LeaseInfo(id, ttl, Duration.ofNanos(remaining)));
  }

  /**
   * Expires lease {@code id} now: the leader proposes its revoke through Raft as its expiry scan
   * would, so its keys are deleted in one revision and watchers see the DELETE events. On a
   * healthy cluster it is gone when this returns.
   *
   * @return false if the leader holds no such lease
   */
  public boolean expireNow(long id) {
    return server.expireLease(id);
  }
}
