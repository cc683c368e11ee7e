package dev.fakeetcd.server;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.raft.RaftStatus;
import dev.fakeetcd.sim.SimMember;
import dev.fakeetcd.sim.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The etcd server of one member: validates requests in etcd's order, proposes writes through Raft,
 * serves linearizable reads through ReadIndex and serializable reads from its own store, waits for
 * the outcome with etcd's request timeout, and fills response headers. Outlives crashes of its
 * member (its request ids must never repeat). Called only under the cluster lock.
 */
final class MemberServer implements EtcdStateMachine.ApplyListener {

  /** A version etcd clients accept; what the fake claims to be. */
  static final String VERSION = "3.4.23";
  /** etcd's bolt database is never smaller than this (reference: a fresh member reports it). */
  private static final long MIN_DB_SIZE = 20_480;
  private static final long PAGE = 4096;

  private record Waiter(CompletableFuture<Object> future, VirtualClock.Timer timer) {
  }

  private final long id;
  private final EtcdServer server;
  private final KvValidator validator;
  private final TreeMap<Long, Waiter> waiters = new TreeMap<>();
  private final WatchHub watches;
  private final MemberLeases leases;
  private long nextRequest = 1;
  private long highestLeaderTerm;
  private long leaderElectedNanos = Long.MIN_VALUE / 2;

  MemberServer(long id, EtcdServer server) {
    this.id = id;
    this.server = server;
    this.validator = new KvValidator(server.maxTxnOps());
    this.watches = new WatchHub(server, this);
    this.leases = new MemberLeases(server, this);
  }

  MemberLeases leases() {
    return leases;
  }

  WatchHub watches() {
    return watches;
  }

  boolean isUp() {
    return member().isUp();
  }

  MvccStore store() {
    return member().stateMachine().store();
  }

  long id() {
    return id;
  }

  private SimMember<EtcdStateMachine> member() {
    return server.sim().member(id);
  }

  boolean hasLeader() {
    SimMember<EtcdStateMachine> m = member();
    return m.isUp() && m.leaderId() != 0;
  }

  // ---- KV ----

  CompletableFuture<RangeResponse> range(RangeRequest request) {
    validator.checkRange(request);
    if (request.getSerializable()) {
      RangeResponse local = local(sm -> sm.store().range(request));
      return CompletableFuture.completedFuture(withHeader(local));
    }
    return this.<RangeResponse>linearizable(sm -> sm.store().range(request))
        .thenApply(this::withHeader);
  }

  CompletableFuture<PutResponse> put(PutRequest request) {
    validator.checkPut(request);
    return propose(RaftRequest.Kind.PUT, request).thenApply(r -> withHeader((PutResponse) r));
  }

  CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    validator.checkDeleteRange(request);
    return propose(RaftRequest.Kind.DELETE_RANGE, request)
        .thenApply(r -> withHeader((DeleteRangeResponse) r));
  }

  CompletableFuture<TxnResponse> txn(TxnRequest request) {
    validator.checkTxn(request);
    if (KvValidator.isReadOnly(request)) {
      Function<EtcdStateMachine, TxnResponse> query = sm -> sm.store().txn(request).response();
      if (KvValidator.isSerializable(request)) {
        TxnResponse local = local(query);
        return CompletableFuture.completedFuture(withHeader(local));
      }
      return linearizable(query).thenApply(r -> withHeader(r));
    }
    return propose(RaftRequest.Kind.TXN, request).thenApply(r -> withHeader((TxnResponse) r));
  }

  CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
    return propose(RaftRequest.Kind.COMPACTION, request)
        .thenApply(r -> withHeader((CompactionResponse) r));
  }

  // ---- Maintenance ----

  StatusResponse status() {
    SimMember<EtcdStateMachine> m = requireUp();
    RaftStatus raft = m.status();
    long dbSize = MIN_DB_SIZE + roundUpToPage(m.stateMachine().snapshot().length);
    StatusResponse.Builder status = StatusResponse.newBuilder()
        .setHeader(header(ResponseHeader.getDefaultInstance()))
        .setVersion(VERSION)
        .setDbSize(dbSize)
        .setDbSizeInUse(dbSize)
        .setLeader(raft.leaderId())
        .setRaftIndex(raft.commit())
        .setRaftTerm(raft.term())
        .setRaftAppliedIndex(m.appliedIndex())
        .setIsLearner(raft.confState().learners().contains(id));
    if (raft.leaderId() == 0) {
      status.addErrors(EtcdError.NO_LEADER.message());
    }
    return status.build();
  }

  private static long roundUpToPage(long bytes) {
    return (bytes + PAGE - 1) / PAGE * PAGE;
  }

  // ---- the request path ----

  /** Runs {@code query} on this member's applied store now; etcd errors surface as thrown. */
  private <T> T local(Function<EtcdStateMachine, T> query) {
    return query.apply(requireUp().stateMachine());
  }

  /** A read through ReadIndex: answered once this member has applied up to the leader's commit. */
  private <T> CompletableFuture<T> linearizable(Function<EtcdStateMachine, T> query) {
    SimMember<EtcdStateMachine> m = requireUp();
    CompletableFuture<T> result = new CompletableFuture<>();
    // etcd 3.4's read loop gives up after the request timeout with the plain timeout error.
    VirtualClock.Timer timer = server.clock().schedule(server.requestTimeout(),
        () -> result.completeExceptionally(EtcdError.TIMEOUT.toException()));
    m.read(sm -> {
      try {
        return new ReadOutcome(query.apply(sm), null);
      } catch (EtcdException e) {
        return new ReadOutcome(null, e);
      }
    }).whenComplete((outcome, failure) -> {
      timer.cancel();
      if (failure != null) {
        result.completeExceptionally(EtcdError.STOPPED.toException());
      } else if (outcome.error() != null) {
        result.completeExceptionally(outcome.error());
      } else {
        @SuppressWarnings("unchecked")
        T value = (T) outcome.value();
        result.complete(value);
      }
    });
    return result;
  }

  private record ReadOutcome(Object value, EtcdException error) {
  }

  /** Proposes a write and completes with this member's own apply outcome, or etcd's timeout. */
  CompletableFuture<Object> propose(RaftRequest.Kind kind, MessageLite request) {
    SimMember<EtcdStateMachine> m = requireUp();
    long requestId = ((id & 0xFFFF) << 48) | (nextRequest++ & 0xFFFF_FFFF_FFFFL);
    byte[] data = RaftRequest.encode(requestId, kind, request);
    if (data.length > server.maxRequestBytes()) {
      throw EtcdError.REQUEST_TOO_LARGE.toException();
    }
    VirtualClock clock = server.clock();
    long start = clock.nanos();
    CompletableFuture<Object> future = new CompletableFuture<>();
    VirtualClock.Timer timer = clock.schedule(server.requestTimeout(), () -> {
      if (waiters.remove(requestId) != null) {
        future.completeExceptionally(proposalTimeout(start).toException());
      }
    });
    waiters.put(requestId, new Waiter(future, timer));
    m.submit(data);
    return future;
  }

  /**
   * etcd's choice of timeout message: a request started in the window of 2 election timeouts
   * before this member saw a new leader blames the old leader's failure.
   */
  private EtcdError proposalTimeout(long startNanos) {
    long leaderLost = leaderElectedNanos - 2 * server.election().toNanos();
    if (startNanos > leaderLost && startNanos < leaderElectedNanos) {
      return EtcdError.TIMEOUT_DUE_TO_LEADER_FAIL;
    }
    return EtcdError.TIMEOUT;
  }

  @Override
  public void applied(long index, long requestId, Object outcome, List<Event> events) {
    if (!events.isEmpty()) {
      watches.applied(events);
    }
    Waiter waiter = waiters.remove(requestId);
    if (waiter == null) {
      return;
    }
    waiter.timer().cancel();
    // Complete in an event of its own, so client callbacks never run inside Raft processing.
    server.clock().schedule(Duration.ZERO, () -> {
      if (outcome instanceof EtcdException e) {
        waiter.future().completeExceptionally(e);
      } else {
        waiter.future().complete(outcome);
      }
    });
  }

  @Override
  public void restored() {
    watches.restored();
  }

  @Override
  public void leaderCommitted(long index, long term) {
    if (term > highestLeaderTerm) {
      highestLeaderTerm = term;
      leaderElectedNanos = server.clock().nanos();
    }
    leases.leaderCommitted(term);
  }

  /** The member stopped: every waiting request fails as its connection would. */
  void stopped() {
    for (Waiter w : waiters.values()) {
      w.timer().cancel();
      w.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
    waiters.clear();
    watches.stopped();
    leases.stopped();
  }

  private SimMember<EtcdStateMachine> requireUp() {
    SimMember<EtcdStateMachine> m = member();
    if (!m.isUp()) {
      throw EtcdError.STOPPED.toException();
    }
    return m;
  }

  // ---- headers (reference §8) ----

  ResponseHeader header(ResponseHeader partial) {
    SimMember<EtcdStateMachine> m = member();
    ResponseHeader.Builder h = partial.toBuilder()
        .setClusterId(server.sim().clusterId())
        .setMemberId(id);
    if (m.isUp()) {
      h.setRaftTerm(m.term());
      if (h.getRevision() == 0) {
        h.setRevision(m.stateMachine().store().revision());
      }
    }
    return h.build();
  }

  private RangeResponse withHeader(RangeResponse r) {
    return r.toBuilder().setHeader(header(r.getHeader())).build();
  }

  private PutResponse withHeader(PutResponse r) {
    return r.toBuilder().setHeader(header(r.getHeader())).build();
  }

  private DeleteRangeResponse withHeader(DeleteRangeResponse r) {
    return r.toBuilder().setHeader(header(r.getHeader())).build();
  }

  private TxnResponse withHeader(TxnResponse r) {
    return r.toBuilder().setHeader(header(r.getHeader())).build();
  }

  private CompactionResponse withHeader(CompactionResponse r) {
    return r.toBuilder().setHeader(header(r.getHeader())).build();
  }
}
