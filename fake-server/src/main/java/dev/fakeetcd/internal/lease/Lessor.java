package dev.fakeetcd.internal.lease;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.LeaseCheckpoint;
import dev.fakeetcd.api.LeaseCheckpointRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * One member's leases, as etcd 3.4's lessor keeps them. The granted leases (ID and TTL) are applied
 * state, identical on every member and part of the snapshot. Expiry is the primary's alone: the
 * lessor of a leader that has committed an entry of its term ({@link #promote}) gives every lease a
 * deadline in virtual time, renews, and finds expired leases; any other lessor keeps its leases
 * forever. Volatile like the rest of the state machine: a restarted member starts all leases anew.
 */
public final class Lessor {

  static final long MAX_TTL = 9_000_000_000L;
  private static final long FOREVER = Long.MAX_VALUE;
  private static final long SECOND = 1_000_000_000L;

  /** What the lessor needs from its member: time, and a way to propose checkpoints. */
  public interface Host {
    long nanos();

    /** etcd's lease checkpoint interval; 0 when checkpointing is off (etcd's default). */
    long checkpointIntervalNanos();

    /** Proposes {@code request} through Raft; fire and forget, as etcd's checkpointer. */
    public void checkpoint(LeaseCheckpointRequest request);
  }

  /** The lessor is not the primary: the renewal has to go to the leader. */
  public static final class NotPrimaryException extends RuntimeException {
    public NotPrimaryException() {
      super("not a primary lessor", null, false, false);
    }
  }

  /** A lease's place in a schedule: due time, then ID, then arrival (checkpoints may repeat). */
  private record Due(long nanos, long id, long seq) {
    static final Comparator<Due> ORDER = Comparator.comparingLong(Due::nanos)
        .thenComparingLong(Due::id).thenComparingLong(Due::seq);
  }

  private static final class Lease {
    final long id;
    final long ttl;
    /** The last checkpointed remaining TTL in seconds; 0 = none, use the full TTL. */
    long remainingTtl;
    long expiry = FOREVER;
    /** Renewals that came after the deadline: they wait for the revoke, or for a demotion. */
    final List<CompletableFuture<Long>> waiting = new ArrayList<>();

    Lease(long id, long ttl) {
      this.id = id;
      this.ttl = ttl;
    }

    long ttlForRefresh() {
      return remainingTtl > 0 ? remainingTtl : ttl;
    }
  }

  private final Host host;
  private final long minTtl;
  private final TreeMap<Long, Lease> leases = new TreeMap<>();
  /** The primary's expiry notifier: one entry per lease, soonest first. */
  private final TreeSet<Due> expiries = new TreeSet<>(Due.ORDER);
  private final TreeMap<Long, Due> expiryOf = new TreeMap<>();
  private final PriorityQueue<Due> checkpoints = new PriorityQueue<>(Due.ORDER);
  private long seq;
  private boolean primary;

  public Lessor(Host host, long minTtl) {
    this.host = host;
    this.minTtl = minTtl;
  }

  public boolean isPrimary() {
    return primary;
  }

  public boolean exists(long id) {
    return leases.containsKey(id);
  }

  /** How many leases are granted. */
  public int count() {
    return leases.size();
  }

  // ---- applied (every member, in log order) ----

  /** Grants lease {@code id}; returns the effective TTL (raised to the minimum). */
  public long grant(long id, long ttl) {
    if (id == 0) {
      throw EtcdError.LEASE_NOT_FOUND.toException();
    }
    if (ttl > MAX_TTL) {
      throw EtcdError.LEASE_TTL_TOO_LARGE.toException();
    }
    if (leases.containsKey(id)) {
      throw EtcdError.LEASE_EXIST.toException();
    }
    Lease lease = new Lease(id, Math.max(ttl, minTtl));
    leases.put(id, lease);
    if (primary) {
      refresh(lease, 0);
      scheduleCheckpoint(lease);
    }
    return lease.ttl;
  }

  /** Checks that {@code id} exists before its keys are deleted. */
  public void requireExists(long id) {
    if (!leases.containsKey(id)) {
      throw EtcdError.LEASE_NOT_FOUND.toException();
    }
  }

  /** Forgets a revoked lease; renewals waiting on it learn that it is gone. */
  public void remove(long id) {
    Lease lease = leases.remove(id);
    unregister(id);
    for (CompletableFuture<Long> w : lease.waiting) {
      w.completeExceptionally(EtcdError.LEASE_NOT_FOUND.toException());
    }
  }

  public void checkpoint(LeaseCheckpointRequest request) {
    for (LeaseCheckpoint cp : request.getCheckpointsList()) {
      Lease lease = leases.get(cp.getID());
      if (lease != null) {
        lease.remainingTtl = cp.getRemainingTTL();
        if (primary) {
          scheduleCheckpoint(lease);
        }
      }
    }
  }

  // ---- the primary ----

  /** This member leads and has applied its term's first entry: every lease gets TTL + extend. */
  public void promote(long extendNanos) {
    primary = true;
    for (Lease lease : leases.values()) {
      refresh(lease, extendNanos);
      scheduleCheckpoint(lease);
    }
  }

  /** This member no longer leads: leases live forever here; waiting renewals go elsewhere. */
  public void demote() {
    primary = false;
    for (Lease lease : leases.values()) {
      lease.expiry = FOREVER;
      failWaiting(lease);
    }
    expiries.clear();
    expiryOf.clear();
    checkpoints.clear();
  }

  /**
   * Renews {@code id} on the primary: completes with its TTL; fails with {@code LEASE_NOT_FOUND}
   * or {@link NotPrimaryException}. A lease past its deadline is not renewed: the renewal waits
   * until the revoke is applied (not found) or this lessor is demoted.
   */
  public CompletableFuture<Long> renew(long id) {
    if (!primary) {
      return CompletableFuture.failedFuture(new NotPrimaryException());
    }
    Lease lease = leases.get(id);
    if (lease == null) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.toException());
    }
    if (expired(lease)) {
      CompletableFuture<Long> wait = new CompletableFuture<>();
      lease.waiting.add(wait);
      return wait;
    }
    if (host.checkpointIntervalNanos() > 0 && lease.remainingTtl > 0) {
      host.checkpoint(LeaseCheckpointRequest.newBuilder()
          .addCheckpoints(LeaseCheckpoint.newBuilder().setID(id).setRemainingTTL(0)).build());
    }
    refresh(lease, 0);
    return CompletableFuture.completedFuture(lease.ttl);
  }

  /**
   * Up to {@code limit} expired leases, soonest deadline first; each is not offered again before
   * {@code retryNanos} have passed (in case its revoke fails).
   */
  public List<Long> findExpired(int limit, long retryNanos) {
    List<Long> found = new ArrayList<>();
    long now = host.nanos();
    while (!expiries.isEmpty() && found.size() < limit) {
      Due first = expiries.first();
      Lease lease = leases.get(first.id());
      if (lease == null) {
        unregister(first.id());
        continue;
      }
      if (now < first.nanos()) {
        break;
      }
      register(lease.id, now + retryNanos);
      if (expired(lease)) {
        found.add(lease.id);
      }
    }
    return found;
  }

  /** Checkpoints of leases whose turn has come: remaining seconds, rounded up. */
  public List<LeaseCheckpoint> dueCheckpoints(int limit) {
    List<LeaseCheckpoint> due = new ArrayList<>();
    long now = host.nanos();
    while (!checkpoints.isEmpty() && due.size() < limit && checkpoints.peek().nanos() <= now) {
      Lease lease = leases.get(checkpoints.poll().id());
      if (lease == null || now >= lease.expiry) {
        continue;
      }
      long remaining = ceilSeconds(lease.expiry - now);
      if (remaining < lease.ttl) {
        due.add(LeaseCheckpoint.newBuilder().setID(lease.id).setRemainingTTL(remaining).build());
      }
    }
    return due;
  }

  /** Test handle: the lease's deadline is now (the next scan revokes it); false if unknown. */
  public boolean expireNow(long id) {
    Lease lease = leases.get(id);
    if (lease == null || !primary) {
      return false;
    }
    lease.expiry = host.nanos();
    register(id, lease.expiry);
    return true;
  }

  // ---- queries ----

  /** The lease's granted TTL, or -1 if unknown. */
  public long grantedTtl(long id) {
    Lease lease = leases.get(id);
    return lease == null ? -1 : lease.ttl;
  }

  /** Remaining time (Long.MAX_VALUE while not primary, negative once past the deadline). */
  public long remainingNanos(long id) {
    Lease lease = leases.get(id);
    return lease.expiry == FOREVER ? Long.MAX_VALUE : lease.expiry - host.nanos();
  }

  /** Every lease ID, by ascending remaining time (etcd's order), then ID. */
  public List<Long> byRemaining() {
    List<Long> ids = new ArrayList<>(leases.keySet());
    ids.sort(Comparator.comparingLong((Long id) -> leases.get(id).expiry));
    return ids;
  }

  // ---- snapshot: IDs and TTLs only (3.4 does not persist checkpoints by default) ----

  public void writeTo(CodedOutputStream out) {
    try {
      out.writeUInt32NoTag(leases.size());
      for (Lease lease : leases.values()) {
        out.writeInt64NoTag(lease.id);
        out.writeInt64NoTag(lease.ttl);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces every lease with those of a snapshot; all live forever until the next promotion. */
  public void readFrom(CodedInputStream in) throws IOException {
    for (Lease lease : leases.values()) {
      failWaiting(lease);
    }
    leases.clear();
    expiries.clear();
    expiryOf.clear();
    checkpoints.clear();
    primary = false;
    int count = in.readUInt32();
    for (int i = 0; i < count; i++) {
      long id = in.readInt64();
      leases.put(id, new Lease(id, Math.max(in.readInt64(), minTtl)));
    }
  }

  // ---- internals ----

  private boolean expired(Lease lease) {
    return lease.expiry != FOREVER && host.nanos() >= lease.expiry;
  }

  private void refresh(Lease lease, long extendNanos) {
    // TTLs are at most 9e9 s, so the product stays below Long.MAX_VALUE nanoseconds.
    lease.expiry = saturatedAdd(host.nanos(),
        saturatedAdd(extendNanos, lease.ttlForRefresh() * SECOND));
    register(lease.id, lease.expiry);
  }

  private void register(long id, long nanos) {
    unregister(id);
    Due due = new Due(nanos, id, 0);
    expiries.add(due);
    expiryOf.put(id, due);
  }

  private void unregister(long id) {
    Due old = expiryOf.remove(id);
    if (old != null) {
      expiries.remove(old);
    }
  }

  private void scheduleCheckpoint(Lease lease) {
    long interval = host.checkpointIntervalNanos();
    if (interval > 0 && lease.ttlForRefresh() > interval / SECOND) {
      checkpoints.add(new Due(saturatedAdd(host.nanos(), interval), lease.id, seq++));
    }
  }

  private static void failWaiting(Lease lease) {
    for (CompletableFuture<Long> w : lease.waiting) {
      w.completeExceptionally(new NotPrimaryException());
    }
    lease.waiting.clear();
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + SECOND - 1) / SECOND;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? FOREVER : sum;
  }
}
