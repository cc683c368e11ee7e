package dev.fakeetcd.internal.server;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.LeaseCheckpoint;
import dev.fakeetcd.api.LeaseCheckpointRequest;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrantResponse;
import dev.fakeetcd.api.LeaseLeasesResponse;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseRevokeResponse;
import dev.fakeetcd.api.LeaseStatus;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.LeaseTimeToLiveResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.lease.Lessor;
import dev.fakeetcd.internal.raft.Role;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.sim.PeerMessage;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The lease side of one member's etcd server (etcd 3.4's {@code LeaseGrant}, {@code LeaseRevoke},
 * {@code LeaseRenew}, {@code LeaseTimeToLive}, {@code LeaseLeases} and the lessor's run loop).
 * Grants and revokes go through Raft; renewals and time-to-live look-ups are the leader's: a
 * follower forwards them over the simulated network, as etcd's peer HTTP requests travel, and
 * retries until etcd's request timeout. Every 500 ms of virtual time the primary lessor proposes a
 * revoke for each expired lease (at most 500 per scan) and, when checkpointing is on, checkpoints.
 * Outlives crashes of its member, like {@link MemberServer}; called only under the cluster lock.
 */
public final class MemberLeases implements Lessor.Host {

  static final Duration SCAN_INTERVAL = Duration.ofMillis(500);
  /** etcd: leaseRevokeRate / 2. */
  static final int REVOKES_PER_SCAN = 500;
  private static final int CHECKPOINTS_PER_ENTRY = 1000;
  private static final int CHECKPOINT_ENTRIES_PER_SCAN = 500;
  /**
   * Pause between forwarding attempts after a lost message. etcd retries at once, but its HTTP
   * request to an unreachable peer hangs instead of failing in zero time as a cut link does here.
   */
  private static final Duration RETRY = Duration.ofMillis(50);
  private static final long SECOND = 1_000_000_000L;

  private final Cluster cluster;
  private final MemberServer member;
  private final LinkedHashSet<KeepAlive> streams = new LinkedHashSet<>();
  private final LinkedHashSet<Forward<?>> forwards = new LinkedHashSet<>();
  /** etcd's request ID generator (member bits, then a counter); started lazily from the seed. */
  private long nextId = -1;
  private long promotedTerm;

  MemberLeases(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  /** A fresh lessor for a new incarnation of the member's state machine. */
  Lessor newLessor() {
    return new Lessor(this, cluster.minLeaseTtl());
  }

  /** Starts the lessor's run loop; scans happen every 500 ms of virtual time from now. */
  void startScans() {
    cluster.clock().schedule(SCAN_INTERVAL, this::scan);
  }

  // ---- Lessor.Host ----

  @Override
  public long nanos() {
    return cluster.clock().nanos();
  }

  @Override
  public long checkpointIntervalNanos() {
    return cluster.leaseCheckpointInterval().toNanos();
  }

  @Override
  public void checkpoint(LeaseCheckpointRequest request) {
    member.proposals().propose(RaftRequest.Kind.LEASE_CHECKPOINT, request);
  }

  // ---- the RPCs ----

  public CompletableFuture<LeaseGrantResponse> grant(LeaseGrantRequest request, Credentials caller) {
    CompletableFuture<LeaseGrantResponse> refused = member.refuseOverQuota(BackendQuota.LEASE_COST);
    if (refused != null) {
      return refused;
    }
    LeaseGrantRequest r = request;
    while (r.getID() == 0) {
      // Only positive IDs, as etcd masks its request ID.
      r = r.toBuilder().setID(nextRequestId() & Long.MAX_VALUE).build();
    }
    return member.propose(RaftRequest.Kind.LEASE_GRANT, r, caller).thenApply(o -> {
      LeaseGrantResponse g = (LeaseGrantResponse) o;
      return g.toBuilder().setHeader(member.header(g.getHeader())).build();
    });
  }

  public CompletableFuture<LeaseRevokeResponse> revoke(LeaseRevokeRequest request, Credentials caller) {
    return member.propose(RaftRequest.Kind.LEASE_REVOKE, request, caller).thenApply(o -> {
      LeaseRevokeResponse r = (LeaseRevokeResponse) o;
      return r.toBuilder().setHeader(member.header(r.getHeader())).build();
    });
  }

  /** The renewed TTL, answered by the leader; an unknown lease fails with LEASE_NOT_FOUND. */
  public CompletableFuture<Long> renew(long id) {
    requireUp();
    return forward(leases -> leases.renewHere(id));
  }

  public CompletableFuture<LeaseTimeToLiveResponse> timeToLive(LeaseTimeToLiveRequest request) {
    requireUp();
    return forward(leases -> leases.lookupHere(request)).handle((r, failure) -> {
      if (failure == null) {
        return r;
      }
      if (EtcdException.is(failure, EtcdError.LEASE_NOT_FOUND)) {
        return LeaseTimeToLiveResponse.newBuilder().setID(request.getID()).setTTL(-1).build();
      }
      throw EtcdException.completion(failure);
    }).thenApply(r -> r.toBuilder().setHeader(member.header(ResponseHeader.getDefaultInstance()))
        .build());
  }

  /** Every lease this member knows of, soonest expiry first (on a follower: all live forever). */
  public LeaseLeasesResponse leases() {
    Lessor lessor = requireUp().stateMachine().lessor();
    LeaseLeasesResponse.Builder out = LeaseLeasesResponse.newBuilder()
        .setHeader(member.header(ResponseHeader.getDefaultInstance()));
    for (long id : lessor.byRemaining()) {
      out.addLeases(LeaseStatus.newBuilder().setID(id));
    }
    return out.build();
  }

  /** The response header as it is now, for a keepalive answer (taken before the renewal). */
  public ResponseHeader header() {
    return member.header(ResponseHeader.getDefaultInstance());
  }

  /** An open keep-alive stream of this member's clients (the v3rpc layer's). */
  public interface KeepAlive {
    /** Whether this stream renews lease {@code id} (also while its renewal is on its way). */
    boolean renews(long id);

    /** Ends the stream with {@code failure}, as the member's process stopping ends it. */
    void stop(EtcdException failure);
  }

  /** A keep-alive stream opened on this member; ended at once if the member is down. */
  public void opened(KeepAlive stream) {
    synchronized (cluster.lock()) {
      if (member.isUp()) {
        streams.add(stream);
      } else {
        stream.stop(EtcdError.STOPPED.toException());
      }
    }
  }

  /** Records a client's keep-alive request in the trace; under the cluster lock. */
  public void traceRequest(long leaseId) {
    cluster.callLock().trace(member.id(), "lease " + Long.toHexString(leaseId));
  }

  public boolean isPaused() {
    return cluster.member(member.id()).isPaused();
  }

  /** Runs {@code action} as the member's own work: a paused member does it once it resumes. */
  public void perform(Runnable action) {
    cluster.member(member.id()).perform(action);
  }

  /** Whether an open keepalive stream on this member renews lease {@code id}. */
  public boolean isKeptAlive(long id) {
    return streams.stream().anyMatch(s -> s.renews(id));
  }

  public void closed(KeepAlive stream) {
    streams.remove(stream);
  }

  // ---- served at the leader ----

  private CompletableFuture<Long> renewHere(long id) {
    Lessor lessor = primaryLessor();
    return lessor == null ? CompletableFuture.failedFuture(new Lessor.NotPrimaryException())
        : lessor.renew(id);
  }

  private CompletableFuture<LeaseTimeToLiveResponse> lookupHere(LeaseTimeToLiveRequest request) {
    SimMember<EtcdStateMachine> m = cluster.member(member.id());
    if (!m.isUp()) {
      return CompletableFuture.failedFuture(EtcdError.STOPPED.toException());
    }
    EtcdStateMachine sm = m.stateMachine();
    Lessor lessor = sm.lessor();
    long id = request.getID();
    if (!lessor.exists(id)) {
      return CompletableFuture.failedFuture(EtcdError.LEASE_NOT_FOUND.toException());
    }
    LeaseTimeToLiveResponse.Builder r = LeaseTimeToLiveResponse.newBuilder().setID(id)
        .setTTL(lessor.remainingNanos(id) / SECOND).setGrantedTTL(lessor.grantedTtl(id));
    if (request.getKeys()) {
      List<ByteString> keys = sm.store().keysAttachedTo(id);
      r.addAllKeys(keys);
    }
    return CompletableFuture.completedFuture(r.build());
  }

  /** This member's lessor if it is the primary, after demoting it if leadership has moved on. */
  private Lessor primaryLessor() {
    SimMember<EtcdStateMachine> m = cluster.member(member.id());
    if (!m.isUp()) {
      return null;
    }
    Lessor lessor = m.stateMachine().lessor();
    if (lessor.isPrimary() && (m.role() != Role.LEADER || m.term() != promotedTerm)) {
      lessor.demote();
    }
    return lessor.isPrimary() ? lessor : null;
  }

  // ---- the lessor's life ----

  /** An entry of a new leader's term was applied: etcd promotes the lessor of that leader. */
  public void leaderCommitted(long term) {
    SimMember<EtcdStateMachine> m = cluster.member(member.id());
    if (m.role() == Role.LEADER && m.term() == term) {
      Lessor lessor = m.stateMachine().lessor();
      if (lessor.isPrimary()) {
        lessor.demote();
      }
      lessor.promote(cluster.election().toNanos());
      promotedTerm = term;
    }
  }

  private void scan() {
    cluster.clock().schedule(SCAN_INTERVAL, this::scan);
    SimMember<EtcdStateMachine> m = cluster.member(member.id());
    if (!m.isUp() || m.isPaused()) {
      return;
    }
    revokeExpired();
    Lessor lessor = primaryLessor();
    for (int i = 0; lessor != null && lessor.isPrimary() && i < CHECKPOINT_ENTRIES_PER_SCAN; i++) {
      List<LeaseCheckpoint> due = lessor.dueCheckpoints(CHECKPOINTS_PER_ENTRY);
      if (!due.isEmpty()) {
        checkpoint(LeaseCheckpointRequest.newBuilder().addAllCheckpoints(due).build());
      }
      if (due.size() < CHECKPOINTS_PER_ENTRY) {
        break;
      }
    }
  }

  private void revokeExpired() {
    Lessor lessor = primaryLessor();
    if (lessor == null) {
      return;
    }
    for (long id : lessor.findExpired(REVOKES_PER_SCAN, cluster.requestTimeout().toNanos())) {
      // Failures are retried: the lease is offered again after the request timeout. As root,
      // as etcd's lessor revokes (its keys may be any user's).
      member.proposals().propose(RaftRequest.Kind.LEASE_REVOKE,
          LeaseRevokeRequest.newBuilder().setID(id).build(), member.auth().root());
    }
  }

  /** Test handle on the leader: the lease expires now and its revoke is proposed at once. */
  public boolean expireNow(long id) {
    Lessor lessor = primaryLessor();
    if (lessor == null || !lessor.expireNow(id)) {
      return false;
    }
    revokeExpired();
    return true;
  }

  /** Test handle: each lease as (ID, granted TTL, remaining nanoseconds) from this member. */
  public <T> List<T> list(Cluster.LeaseView<T> view) {
    Lessor lessor = requireUp().stateMachine().lessor();
    List<T> out = new ArrayList<>();
    for (long id : lessor.byRemaining()) {
      out.add(view.of(id, lessor.grantedTtl(id), lessor.remainingNanos(id)));
    }
    return out;
  }

  /** The member stopped: keepalive streams end and forwarded calls fail, as connections would. */
  void stopped() {
    for (KeepAlive s : List.copyOf(streams)) {
      s.stop(EtcdError.STOPPED.toException());
    }
    streams.clear();
    for (Forward<?> f : List.copyOf(forwards)) {
      f.fail(EtcdError.STOPPED.toException());
    }
    forwards.clear();
  }

  // ---- forwarding to the leader ----

  private <T> CompletableFuture<T> forward(Function<MemberLeases, CompletableFuture<T>> atLeader) {
    Forward<T> f = new Forward<>(atLeader);
    forwards.add(f);
    f.attempt();
    return f.result;
  }

  /**
   * One call that only the leader answers: tried at once, then again after every loss, until it is
   * answered or etcd's request timeout passes ({@code no leader} if none is known by then, else
   * {@code request timed out}). Without a leader it waits an election timeout before looking again.
   */
  private final class Forward<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    final Function<MemberLeases, CompletableFuture<T>> atLeader;
    final SimClock.Timer deadline;

    Forward(Function<MemberLeases, CompletableFuture<T>> atLeader) {
      this.atLeader = atLeader;
      this.deadline = cluster.clock().schedule(cluster.requestTimeout(), () -> {
        SimMember<EtcdStateMachine> m = cluster.member(member.id());
        fail((m.isUp() && m.leaderId() == 0 ? EtcdError.NO_LEADER : EtcdError.TIMEOUT)
            .toException());
      });
    }

    void attempt() {
      if (result.isDone()) {
        return;
      }
      SimMember<EtcdStateMachine> m = cluster.member(member.id());
      if (!m.isUp()) {
        return;
      }
      long leader = m.leaderId();
      if (leader == 0) {
        retryAfter(cluster.election());
      } else if (leader == member.id()) {
        atLeader.apply(MemberLeases.this).whenComplete((value, failure) -> later(() -> {
          if (failure instanceof Lessor.NotPrimaryException) {
            retryAfter(RETRY);
          } else {
            finish(value, failure);
          }
        }));
      } else {
        m.sendPeer(leader, new Request(leader));
      }
    }

    void finish(T value, Throwable failure) {
      if (failure == null) {
        complete(value);
      } else {
        fail(failure);
      }
    }

    void complete(T value) {
      deadline.cancel();
      forwards.remove(this);
      later(() -> result.complete(value));
    }

    void fail(Throwable failure) {
      deadline.cancel();
      forwards.remove(this);
      later(() -> result.completeExceptionally(failure));
    }

    void retryAfter(Duration delay) {
      if (!result.isDone() && forwards.contains(this)) {
        cluster.clock().schedule(delay, this::attempt);
      }
    }

    /** The call on its way to the leader; the leader answers with a {@link Reply}. */
    private final class Request implements PeerMessage {
      final long leader;

      Request(long leader) {
        this.leader = leader;
      }

      @Override
      public void arrived() {
        atLeader.apply(cluster.memberServer(leader).leases()).whenComplete((value, failure) ->
            later(() -> cluster.member(leader).sendPeer(member.id(), new Reply(value, failure))));
      }

      @Override
      public void lost() {
        retryAfter(RETRY);
      }

      @Override
      public String toString() {
        return "lease call";
      }
    }

    private final class Reply implements PeerMessage {
      final T value;
      final Throwable failure;

      Reply(T value, Throwable failure) {
        this.value = value;
        this.failure = failure;
      }

      @Override
      public void arrived() {
        if (!forwards.contains(Forward.this)) {
          return;
        }
        Throwable cause = failure == null ? null : EtcdException.cause(failure);
        if (cause == null || cause instanceof EtcdException e
            && e.error() == EtcdError.LEASE_NOT_FOUND) {
          finish(value, cause);
        } else {
          // etcd's peer handler answers other errors (not primary, stopped) with an HTTP error.
          retryAfter(RETRY);
        }
      }

      @Override
      public void lost() {
        retryAfter(RETRY);
      }

      @Override
      public String toString() {
        return "lease reply";
      }
    }
  }

  // ---- helpers ----

  /** Runs {@code action} in an event of its own, never inside Raft processing. */
  private void later(Runnable action) {
    cluster.clock().schedule(Duration.ZERO, action);
  }

  private SimMember<EtcdStateMachine> requireUp() {
    SimMember<EtcdStateMachine> m = cluster.member(member.id());
    if (!m.isUp()) {
      throw EtcdError.STOPPED.toException();
    }
    return m;
  }

  private long nextRequestId() {
    if (nextId < 0) {
      // etcd starts its counter at the wall clock's milliseconds; the fake draws it from the seed.
      nextId = new SplittableRandom(cluster.leaseIdSeed() ^ member.id()).nextLong(1L << 40) << 8;
    }
    nextId++;
    return ((member.id() & 0xFFFF) << 48) | (nextId & 0xFFFF_FFFF_FFFFL);
  }
}
