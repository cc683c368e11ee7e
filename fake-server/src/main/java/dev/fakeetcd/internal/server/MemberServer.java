package dev.fakeetcd.internal.server;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DefragmentResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.DowngradeInfo;
import dev.fakeetcd.api.DowngradeRequest;
import dev.fakeetcd.api.DowngradeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.HashResponse;
import dev.fakeetcd.api.MoveLeaderResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.backend.BackendFile;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.backend.SnapshotFormat;
import dev.fakeetcd.internal.lease.MemberLeases;
import dev.fakeetcd.internal.membership.Downgrade;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.raft.ProposalDroppedException;
import dev.fakeetcd.internal.raft.RaftStatus;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.v3rpc.KvValidator;
import dev.fakeetcd.internal.watch.KeyFeed;
import dev.fakeetcd.internal.watch.WatchHub;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The etcd server of one member: validates requests in etcd's order, proposes writes through Raft,
 * serves linearizable reads through ReadIndex and serializable reads from its own store, waits for
 * the outcome with etcd's request timeout, and fills response headers. Outlives crashes of its
 * member (its request ids must never repeat). Called only under the cluster lock.
 */
public final class MemberServer implements EtcdStateMachine.ApplyListener {

  /** A version etcd clients accept; what the fake claims to be. */
  public static final String VERSION = "3.4.23";
  /** etcd 3.4's {@code readIndexRetryTime}. */
  private static final Duration READ_INDEX_RETRY = Duration.ofMillis(500);

  private record Waiter(CompletableFuture<Object> future, SimClock.Timer timer) {
  }

  /** A MoveLeader call waiting for this member to see {@code target} lead. */
  private record LeaderWait(long target, CompletableFuture<MoveLeaderResponse> future) {
  }

  private final long id;
  private final Cluster server;
  private final KvValidator validator;
  private final TreeMap<Long, Waiter> waiters = new TreeMap<>();
  private final WatchHub watches;
  private final KeyFeed feed;
  /** Reads waiting for the next round of the read loop, in arrival order. */
  private final List<ReadWaiter> nextReads = new ArrayList<>();
  private ReadRound readRound;
  /** While paused: calls to take and answers to send once the member resumes. */
  private final ArrayDeque<Runnable> parked = new ArrayDeque<>();
  /** In arrival order; each leaves the list when its future completes, however that happens. */
  private final List<LeaderWait> leaderWaits = new ArrayList<>();
  private final MemberLeases leases;
  private final BackendFile backend;
  private long nextRequest = 1;
  /** When this member last became leader (etcd's {@code leadElectedTime}). */
  private long leaderElectedNanos = Long.MIN_VALUE / 2;

  MemberServer(long id, Cluster server) {
    this.id = id;
    this.server = server;
    this.validator = new KvValidator(server.maxTxnOps());
    this.watches = new WatchHub(server, this);
    this.feed = new KeyFeed(server, this);
    this.leases = new MemberLeases(server, this);
    this.backend = new BackendFile(server.quota());
  }

  /** This member's bolt file; it outlives crashes, as a disk does. */
  BackendFile backend() {
    return backend;
  }

  public MemberLeases leases() {
    return leases;
  }

  WatchHub watches() {
    return watches;
  }

  public KeyFeed feed() {
    return feed;
  }

  public boolean isUp() {
    return member().isUp();
  }

  public MvccStore store() {
    return member().stateMachine().store();
  }

  public long id() {
    return id;
  }

  private SimMember<EtcdStateMachine> member() {
    return server.sim().member(id);
  }

  public boolean hasLeader() {
    SimMember<EtcdStateMachine> m = member();
    return m.isUp() && m.leaderId() != 0;
  }

  /**
   * Whether this member counts itself a learner: as etcd 3.4, from its own member list, not from
   * Raft's configuration (they differ after a MemberUpdate of a learner).
   */
  public boolean isLearner() {
    return member().isUp() && server.membership().isLearner(id);
  }

  // ---- KV ----

  public CompletableFuture<RangeResponse> range(RangeRequest request) {
    validator.checkRange(request);
    if (request.getSerializable()) {
      RangeResponse local = local(sm -> sm.store().range(request));
      return CompletableFuture.completedFuture(withHeader(local));
    }
    return this.<RangeResponse>linearizable(sm -> sm.store().range(request))
        .thenApply(this::withHeader);
  }

  public CompletableFuture<PutResponse> put(PutRequest request) {
    CompletableFuture<PutResponse> refused = refuseOverQuota(BackendQuota.cost(request));
    if (refused != null) {
      return refused;
    }
    validator.checkPut(request);
    return propose(RaftRequest.Kind.PUT, request).thenApply(r -> withHeader((PutResponse) r));
  }

  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
    validator.checkDeleteRange(request);
    return propose(RaftRequest.Kind.DELETE_RANGE, request)
        .thenApply(r -> withHeader((DeleteRangeResponse) r));
  }

  public CompletableFuture<TxnResponse> txn(TxnRequest request) {
    CompletableFuture<TxnResponse> refused = refuseOverQuota(BackendQuota.cost(request));
    if (refused != null) {
      return refused;
    }
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

  public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
    return propose(RaftRequest.Kind.COMPACTION, request)
        .thenApply(r -> withHeader((CompactionResponse) r));
  }

  /**
   * etcd's quota check in front of Put, Txn and LeaseGrant, before any field validation: a request
   * of {@code cost} that does not fit raises a NOSPACE alarm for this member through Raft and,
   * once that is done either way, fails with NOSPACE. Returns null when the request fits.
   */
  public <T> CompletableFuture<T> refuseOverQuota(long cost) {
    requireUp();
    if (backend.fits(cost)) {
      return null;
    }
    CompletableFuture<T> refused = new CompletableFuture<>();
    raiseNoSpace().whenComplete(
        (ignored, failure) -> refused.completeExceptionally(EtcdError.NO_SPACE.toException()));
    return refused;
  }

  private CompletableFuture<AlarmResponse> raiseNoSpace() {
    return alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
        .setMemberID(id).setAlarm(AlarmType.NOSPACE).build());
  }

  // ---- Maintenance ----

  public StatusResponse status() {
    SimMember<EtcdStateMachine> m = requireUp();
    RaftStatus raft = m.status();
    StatusResponse.Builder status = StatusResponse.newBuilder()
        .setHeader(header(ResponseHeader.getDefaultInstance()))
        .setVersion(VERSION)
        .setDbSize(backend.size())
        .setDbSizeInUse(m.stateMachine().bytesInUse())
        .setLeader(raft.leaderId())
        .setRaftIndex(raft.commit())
        .setRaftTerm(raft.term())
        .setRaftAppliedIndex(m.appliedIndex())
        .setIsLearner(isLearner());
    if (raft.leaderId() == 0) {
      status.addErrors(EtcdError.NO_LEADER.message());
    }
    status.addAllErrors(m.stateMachine().alarms().statusErrors());
    return status.build();
  }

  /**
   * etcd's {@code Defrag}: this member alone (not through Raft) rewrites its file with only what is
   * in use. The response has no header (reference §7.2).
   */
  public DefragmentResponse defragment() {
    backend.defragment(requireUp().stateMachine().bytesInUse());
    return DefragmentResponse.getDefaultInstance();
  }

  /** Through Raft like any write; the response has no header (reference §7.2). */
  public CompletableFuture<AlarmResponse> alarm(AlarmRequest request) {
    return propose(RaftRequest.Kind.ALARM, request).thenApply(r -> (AlarmResponse) r);
  }

  /** From this member's applied store, as etcd's HashKV reads its own backend. */
  public HashKVResponse hashKv(HashKVRequest request) {
    MvccStore.KvHash h = local(sm -> sm.store().hashKv(request.getRevision()));
    return HashKVResponse.newBuilder()
        .setHeader(header(ResponseHeader.newBuilder().setRevision(h.revision()).build()))
        .setHash(h.hash())
        .setCompactRevision(h.compactRevision())
        .build();
  }

  /**
   * A CRC-32C of this member's whole applied state (keys, leases, alarms). etcd hashes its bolt
   * file; the fake has none, so only equality between members is meaningful, not the value.
   */
  public HashResponse hash() {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(requireUp().stateMachine().data());
    return HashResponse.newBuilder().setHeader(header(ResponseHeader.getDefaultInstance()))
        .setHash((int) crc.getValue()).build();
  }

  /**
   * etcd 3.4's MoveLeader: only the leader takes it, and the target must be a voting member. Raft is
   * asked to hand over, and the call completes (with an empty response) once this member sees the
   * target lead. etcd sets no bound of its own on that wait; the caller ends it when its client
   * gives up.
   */
  public CompletableFuture<MoveLeaderResponse> moveLeader(long target) {
    SimMember<EtcdStateMachine> m = requireUp();
    if (m.leaderId() != id) {
      throw EtcdError.NOT_LEADER.toException();
    }
    if (!server.membership().isVoter(id, target)) {
      throw EtcdError.BAD_LEADER_TRANSFEREE.toException();
    }
    LeaderWait wait = new LeaderWait(target, new CompletableFuture<>());
    leaderWaits.add(wait);
    wait.future().whenComplete((r, f) -> leaderWaits.remove(wait));
    // Moving to itself is a no-op in Raft that still aborts a transfer under way, as in etcd.
    m.transferLeadership(target);
    if (m.isUp() && m.leaderId() == target) {
      wait.future().complete(MoveLeaderResponse.getDefaultInstance());
    }
    return wait.future();
  }

  /**
   * etcd 3.5's Downgrade, for a cluster whose members all run the fake's version: VALIDATE checks
   * the target after a linearizable read; ENABLE validates, then records the job through Raft;
   * CANCEL ends a recorded job through Raft. No member ever runs the target version, so an enabled
   * job stays until cancelled.
   */
  public CompletableFuture<DowngradeResponse> downgrade(DowngradeRequest request) {
    return switch (request.getAction()) {
      case VALIDATE -> validateDowngrade(Downgrade.target(request.getVersion()));
      case ENABLE -> {
        Downgrade.Version target = Downgrade.target(request.getVersion());
        yield validateDowngrade(target).thenCompose(valid -> setDowngrade(
            DowngradeInfo.newBuilder().setEnabled(true).setTargetVersion(target.toString())
                .build()));
      }
      case CANCEL -> this.<DowngradeInfo>linearizable(EtcdStateMachine::downgrade)
          .thenCompose(job -> {
            if (!job.getEnabled()) {
              throw EtcdError.NO_INFLIGHT_DOWNGRADE.toException();
            }
            return setDowngrade(DowngradeInfo.getDefaultInstance());
          });
      case UNRECOGNIZED -> throw EtcdError.UNKNOWN_METHOD.toException();
    };
  }

  /** etcd's {@code downgradeValidate} after the format check: on linearizable state. */
  private CompletableFuture<DowngradeResponse> validateDowngrade(Downgrade.Version target) {
    return this.<DowngradeInfo>linearizable(EtcdStateMachine::downgrade).thenApply(job -> {
      Downgrade.requireAllowed(target);
      if (job.getEnabled()) {
        throw EtcdError.DOWNGRADE_IN_PROCESS.toException();
      }
      return downgradeResponse();
    });
  }

  private CompletableFuture<DowngradeResponse> setDowngrade(DowngradeInfo job) {
    return propose(RaftRequest.Kind.DOWNGRADE_INFO_SET, job).thenApply(applied -> downgradeResponse());
  }

  /** etcd 3.5 fills Downgrade's header in full. */
  private DowngradeResponse downgradeResponse() {
    return DowngradeResponse.newBuilder().setHeader(header(ResponseHeader.getDefaultInstance()))
        .setVersion(Downgrade.CLUSTER.toString()).build();
  }

  // ---- the request path ----

  /** Runs {@code query} on this member's applied store now; etcd errors surface as thrown. */
  private <T> T local(Function<EtcdStateMachine, T> query) {
    return query.apply(requireUp().stateMachine());
  }

  /**
   * A read through ReadIndex, batched as etcd 3.4's read loop does: reads that arrive while a round
   * is waiting for its read index join the next round. A round asks Raft again every 500 ms and
   * fails with {@code leader changed} when this member learns a new leader, or with {@code request
   * timed out} after the request timeout; once the index is known it waits for apply alone.
   */
  private <T> CompletableFuture<T> linearizable(Function<EtcdStateMachine, T> query) {
    requireUp();
    CompletableFuture<Object> result = new CompletableFuture<>();
    nextReads.add(new ReadWaiter(query, result));
    if (readRound == null) {
      startReadRound();
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<T> typed = (CompletableFuture<T>) (CompletableFuture<?>) result;
    return typed;
  }

  private record ReadWaiter(Function<EtcdStateMachine, ?> query, CompletableFuture<Object> future) {
  }

  /** One round of the read loop: its readers, the Raft read and the timers waiting on its index. */
  private final class ReadRound {
    final List<ReadWaiter> readers;
    final CompletableFuture<List<Object>> read;
    final SimClock.Timer timeout;
    SimClock.Timer retry;
    boolean indexKnown;

    ReadRound(List<ReadWaiter> readers) {
      this.readers = readers;
      this.timeout = server.clock().schedule(server.requestTimeout(),
          () -> endRound(this, EtcdError.TIMEOUT));
      this.retry = server.clock().schedule(READ_INDEX_RETRY, this::resend);
      this.read = member().read(this::answer, index -> {
        indexKnown = true;
        timeout.cancel();
        retry.cancel();
      });
      read.whenComplete((outcomes, failure) -> {
        if (readRound != this) {
          return;
        }
        if (failure != null) {
          endRound(this, EtcdError.STOPPED);
          return;
        }
        for (int i = 0; i < readers.size(); i++) {
          Object outcome = outcomes.get(i);
          if (outcome instanceof EtcdException e) {
            readers.get(i).future().completeExceptionally(e);
          } else {
            readers.get(i).future().complete(outcome);
          }
        }
        readRound = null;
        startReadRound();
      });
    }

    private List<Object> answer(EtcdStateMachine sm) {
      List<Object> outcomes = new ArrayList<>();
      for (ReadWaiter r : readers) {
        try {
          outcomes.add(r.query().apply(sm));
        } catch (EtcdException e) {
          outcomes.add(e);
        }
      }
      return outcomes;
    }

    private void resend() {
      member().resendReads();
      retry = server.clock().schedule(READ_INDEX_RETRY, this::resend);
    }
  }

  private void startReadRound() {
    if (nextReads.isEmpty() || !member().isUp()) {
      return;
    }
    List<ReadWaiter> readers = List.copyOf(nextReads);
    nextReads.clear();
    readRound = new ReadRound(readers);
  }

  /** Fails the round's readers with {@code error} and lets the loop go on. */
  private void endRound(ReadRound round, EtcdError error) {
    if (readRound != round) {
      return;
    }
    readRound = null;
    round.timeout.cancel();
    round.retry.cancel();
    round.read.cancel(false);
    for (ReadWaiter r : round.readers) {
      r.future().completeExceptionally(error.toException());
    }
    startReadRound();
  }

  /**
   * Proposes a write and completes with this member's own apply outcome, or etcd's timeout. While
   * the member knows no leader the proposal waits in Raft's input, as etcd's raft node blocks it.
   */
  public CompletableFuture<Object> propose(RaftRequest.Kind kind, MessageLite request) {
    SimMember<EtcdStateMachine> m = requireUp();
    long requestId = ((id & 0xFFFF) << 48) | (nextRequest++ & 0xFFFF_FFFF_FFFFL);
    byte[] data = RaftRequest.encode(requestId, kind, request);
    if (data.length > server.maxRequestBytes()) {
      throw EtcdError.REQUEST_TOO_LARGE.toException();
    }
    SimClock clock = server.clock();
    long start = clock.nanos();
    CompletableFuture<Object> future = new CompletableFuture<>();
    // Set once submitted; the waiter must exist first, as a single member applies at once.
    var handed = new Object() {
      CompletableFuture<Void> future;
    };
    SimClock.Timer timer = clock.schedule(server.requestTimeout(), () -> {
      if (waiters.remove(requestId) != null) {
        // Still waiting for a leader: Raft never took it, and Go's context error reaches the client.
        EtcdError error = handed.future.cancel(false) ? EtcdError.CONTEXT_DEADLINE_EXCEEDED
            : proposalTimeout(start);
        future.completeExceptionally(error.toException());
      }
    });
    waiters.put(requestId, new Waiter(future, timer));
    handed.future = m.propose(data);
    handed.future.whenComplete((ignored, failure) -> {
      if (failure instanceof ProposalDroppedException && waiters.remove(requestId) != null) {
        timer.cancel();
        future.completeExceptionally(EtcdError.PROPOSAL_DROPPED.toException());
      }
    });
    return future;
  }

  /**
   * etcd's {@code parseProposeCtxErr}: a request started in the 2 election timeouts before this
   * member itself became leader blames the old leader's failure; one whose leader (or, on the
   * leader, a quorum) has not been connected to this member since before it started blames the
   * connection; otherwise the plain timeout.
   */
  private EtcdError proposalTimeout(long startNanos) {
    long leaderLost = leaderElectedNanos - 2 * server.election().toNanos();
    if (startNanos > leaderLost && startNanos < leaderElectedNanos) {
      return EtcdError.TIMEOUT_DUE_TO_LEADER_FAIL;
    }
    SimMember<EtcdStateMachine> m = member();
    long lead = m.isUp() ? m.leaderId() : 0;
    if (lead == id && !connectedToQuorumSince(m, startNanos)) {
      return EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST;
    }
    if (lead != 0 && lead != id && !connectedSince(lead, startNanos)) {
      return EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST;
    }
    return EtcdError.TIMEOUT;
  }

  private boolean connectedToQuorumSince(SimMember<EtcdStateMachine> m, long startNanos) {
    ConfState conf = m.status().confState();
    TreeSet<Long> members = new TreeSet<>(conf.voters());
    members.addAll(conf.learners());
    int connected = 1;
    for (long other : members) {
      if (other != id && connectedSince(other, startNanos)) {
        connected++;
      }
    }
    return connected >= members.size() / 2 + 1;
  }

  /**
   * etcd's {@code isConnectedSince}: this member's transport to {@code peer} has been active since
   * strictly before {@code nanos} of virtual time.
   */
  public boolean connectedSince(long peer, long nanos) {
    OptionalLong since = server.sim().network().connectedSince(id, peer);
    return since.isPresent() && since.getAsLong() < nanos;
  }

  /** etcd's non-zero {@code ActiveSince}: this member's transport to {@code peer} is up now. */
  public boolean connected(long peer) {
    return server.sim().network().connectedSince(id, peer).isPresent();
  }

  @Override
  public void applied(long index, long requestId, Object outcome, List<Event> events,
      boolean raiseNoSpace) {
    if (!events.isEmpty()) {
      watches.applied(events);
      feed.applied(events);
    }
    Waiter waiter = waiters.remove(requestId);
    if (waiter != null) {
      waiter.timer().cancel();
    }
    if (waiter == null && !raiseNoSpace) {
      return;
    }
    // In an event of its own: client callbacks and proposals never run inside Raft processing.
    server.clock().schedule(Duration.ZERO, () -> {
      if (!raiseNoSpace) {
        answer(waiter, outcome);
        return;
      }
      // etcd's applyEntryNormal: every member that applied it raises the alarm for itself, and
      // the waiting client hears only once that is done.
      CompletableFuture<AlarmResponse> raised;
      try {
        raised = raiseNoSpace();
      } catch (EtcdException e) {
        raised = CompletableFuture.failedFuture(e);
      }
      raised.whenComplete((ignored, failure) -> answer(waiter, outcome));
    });
  }

  private static void answer(Waiter waiter, Object outcome) {
    if (waiter == null) {
      return;
    }
    if (outcome instanceof EtcdException e) {
      waiter.future().completeExceptionally(e);
    } else {
      waiter.future().complete(outcome);
    }
  }

  @Override
  public void restored() {
    watches.restored();
    feed.restored();
  }

  @Override
  public boolean admitConfChange(long index, ConfChange change, MemberList members) {
    return server.membership().admit(index, change, members);
  }

  @Override
  public void leaderChanged(long leaderId, long term) {
    if (leaderId == id) {
      leaderElectedNanos = server.clock().nanos();
    }
    for (LeaderWait wait : List.copyOf(leaderWaits)) {
      if (wait.target() == leaderId) {
        // Outside Raft processing: completing answers the client.
        server.clock().schedule(Duration.ZERO,
            () -> wait.future().complete(MoveLeaderResponse.getDefaultInstance()));
      }
    }
    ReadRound round = readRound;
    if (round != null && !round.indexKnown) {
      // Outside Raft processing: failing the round completes client calls.
      server.clock().schedule(Duration.ZERO, () -> endRound(round, EtcdError.LEADER_CHANGED));
    }
  }

  /**
   * A member's snapshot data (see {@link SnapshotFormat}): its whole applied state now, as etcd's
   * Snapshot reads its backend at the call's start, leader or not.
   */
  public byte[] snapshot() {
    return SnapshotFormat.encode(requireUp().stateMachine().data());
  }

  /**
   * Runs {@code answer} now, or when the member resumes if it is paused. Answers come from gRPC
   * threads as futures complete: the check and the queue are the cluster lock's, the answer is not.
   */
  public void whenRunning(Runnable answer) {
    synchronized (server.lock()) {
      if (member().isPaused()) {
        parked.addLast(answer);
        return;
      }
    }
    answer.run();
  }

  /** The member resumed: calls and answers that waited go on, in arrival order. */
  void resumed() {
    while (!parked.isEmpty()) {
      parked.removeFirst().run();
    }
  }

  @Override
  public void leaderCommitted(long index, long term) {
    leases.leaderCommitted(term);
  }

  /** The member stopped: every waiting request fails as its connection would. */
  void stopped() {
    parked.clear();
    for (Waiter w : waiters.values()) {
      w.timer().cancel();
      w.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
    waiters.clear();
    watches.stopped();
    feed.stopped();
    if (readRound != null) {
      endRound(readRound, EtcdError.STOPPED);
    }
    for (ReadWaiter r : nextReads) {
      r.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
    nextReads.clear();
    for (LeaderWait wait : List.copyOf(leaderWaits)) {
      wait.future().completeExceptionally(EtcdError.STOPPED.toException());
    }
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

  public ResponseHeader header(ResponseHeader partial) {
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
