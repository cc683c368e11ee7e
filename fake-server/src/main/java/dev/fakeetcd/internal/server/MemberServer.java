package dev.fakeetcd.internal.server;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.auth.RequestPermissions;
import dev.fakeetcd.internal.backend.BackendFile;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.watch.KeyFeed;
import dev.fakeetcd.internal.watch.WatchHub;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The etcd server of one member (etcd's {@code EtcdServer}): its KV requests, validated in etcd's
 * order and checked against the quota, then served from its own store (serializable reads), through
 * ReadIndex ({@link ReadLoop}) or through Raft ({@link Proposals}); its {@link Maintenance}, leases
 * and watches; and what applying entries does ({@link ApplyFanOut}). Outlives crashes of its
 * member (its request ids must never repeat). Called only under the cluster lock.
 */
public final class MemberServer implements KeyFeed.Source {

  private final long id;
  private final Cluster cluster;
  private final KvValidator validator;
  private final WatchHub watches;
  private final KeyFeed feed;
  private final MemberLeases leases;
  private final BackendFile backend;
  private final Proposals proposals;
  private final ReadLoop reads;
  private final Maintenance maintenance;
  private final ResponseHeaders headers;
  private final ApplyFanOut applied;
  private final MemberAuth auth;
  /** While paused: calls to take and answers to send once the member resumes. */
  private final ArrayDeque<Runnable> parked = new ArrayDeque<>();

  MemberServer(long id, Cluster cluster) {
    this.id = id;
    this.cluster = cluster;
    this.validator = new KvValidator(cluster.maxTxnOps());
    this.watches = new WatchHub();
    this.feed = new KeyFeed(task -> cluster.clock().schedule(Duration.ZERO, task), this);
    this.leases = new MemberLeases(cluster, this);
    this.backend = new BackendFile(cluster.quota());
    this.proposals = new Proposals(this, cluster);
    this.reads = new ReadLoop(this, cluster);
    this.maintenance = new Maintenance(this, cluster);
    this.headers = new ResponseHeaders(id, cluster);
    this.applied = new ApplyFanOut(this, cluster);
    this.auth = new MemberAuth(this, cluster);
  }

  /** This member's bolt file; it outlives crashes, as a disk does. */
  BackendFile backend() {
    return backend;
  }

  public MemberLeases leases() {
    return leases;
  }

  public WatchHub watches() {
    return watches;
  }

  public KeyFeed feed() {
    return feed;
  }

  public Maintenance maintenance() {
    return maintenance;
  }

  public MemberAuth auth() {
    return auth;
  }

  /** Whether auth is on in this member's state; false while it is down. */
  public boolean authEnabled() {
    return isUp() && local(sm -> sm.auth().isEnabled());
  }

  Proposals proposals() {
    return proposals;
  }

  ReadLoop reads() {
    return reads;
  }

  /** What this member's state machine tells as it applies. */
  EtcdStateMachine.ApplyListener applied() {
    return applied;
  }

  @Override
  public boolean isUp() {
    return member().isUp();
  }

  boolean isPaused() {
    return member().isPaused();
  }

  @Override
  public MvccStore store() {
    return member().stateMachine().store();
  }

  public long id() {
    return id;
  }

  SimMember<EtcdStateMachine> member() {
    return cluster.sim().member(id);
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
    return member().isUp() && cluster.membership().isLearner(id);
  }

  // ---- KV ----

  /**
   * As etcd's Range: a linearizable one waits for the read index first; then, as etcd's {@code
   * doSerialize}, the token is looked up and READ checked against this member's auth store.
   */
  public CompletableFuture<RangeResponse> range(RangeRequest request, Credentials caller) {
    validator.checkRange(request);
    return read(caller, (sm, who) -> {
      RequestPermissions.checkRange(sm.auth(), who, request);
      return sm.store().range(request);
    }, request.getSerializable()).thenApply(headers::fill);
  }

  /**
   * A read as etcd serves it ({@code doSerialize}): the token's user checked against this
   * member's auth store, then the query; a linearizable one after the read index is applied,
   * which covers the entry that made any token a client could hold.
   */
  private <T> CompletableFuture<T> read(Credentials caller,
      BiFunction<EtcdStateMachine, AuthInfo, T> query, boolean serializable) {
    if (serializable) {
      return serialized(caller, query);
    }
    // Usually the token is known once the read index is applied; one made by a later entry
    // waits for it, as etcd's look-up does, and the query runs then.
    return reads.linearizable(sm -> auth.knowsNow(caller)
        ? Optional.of(checked(sm, auth.whoNow(sm, caller), query)) : Optional.<T>empty())
        .thenCompose(answer -> answer.isPresent() ? CompletableFuture.completedFuture(answer.get())
            : serialized(caller, query));
  }

  /** The query on this member's state as it is, once the caller's token is known here. */
  private <T> CompletableFuture<T> serialized(Credentials caller,
      BiFunction<EtcdStateMachine, AuthInfo, T> query) {
    return auth.who(caller).thenApply(who -> local(sm -> checked(sm, who, query)));
  }

  /**
   * The query's answer, unless the token's auth revision is not the store's: etcd 3.4's {@code
   * doSerialize} then answers {@code revision of auth store is old}, auth on or off (a JWT keeps
   * the revision it was issued at).
   */
  private static <T> T checked(EtcdStateMachine sm, AuthInfo who,
      BiFunction<EtcdStateMachine, AuthInfo, T> query) {
    T answer = query.apply(sm, who);
    if (who.revision() != 0 && who.revision() != sm.auth().revision()) {
      throw EtcdError.AUTH_OLD_REVISION.toException();
    }
    return answer;
  }

  public CompletableFuture<PutResponse> put(PutRequest request, Credentials caller) {
    CompletableFuture<PutResponse> refused = refuseOverQuota(BackendQuota.cost(request));
    if (refused != null) {
      return refused;
    }
    validator.checkPut(request);
    return propose(RaftRequest.Kind.PUT, request, caller)
        .thenApply(r -> headers.fill((PutResponse) r));
  }

  public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request,
      Credentials caller) {
    validator.checkDeleteRange(request);
    return propose(RaftRequest.Kind.DELETE_RANGE, request, caller)
        .thenApply(r -> headers.fill((DeleteRangeResponse) r));
  }

  public CompletableFuture<TxnResponse> txn(TxnRequest request, Credentials caller) {
    CompletableFuture<TxnResponse> refused = refuseOverQuota(BackendQuota.cost(request));
    if (refused != null) {
      return refused;
    }
    validator.checkTxn(request);
    if (KvValidator.isReadOnly(request)) {
      return read(caller, (sm, who) -> {
        RequestPermissions.checkTxn(sm.auth(), who, request);
        return sm.store().txn(request).response();
      }, KvValidator.isSerializable(request)).thenApply(headers::fill);
    }
    return propose(RaftRequest.Kind.TXN, request, caller)
        .thenApply(r -> headers.fill((TxnResponse) r));
  }

  public CompletableFuture<CompactionResponse> compact(CompactionRequest request, Credentials caller) {
    return propose(RaftRequest.Kind.COMPACTION, request, caller)
        .thenApply(r -> headers.fill((CompactionResponse) r));
  }

  /**
   * etcd's {@code raftRequest}: the request goes into the log as the token's user (an Auth RPC's
   * as {@link MemberAuth#withHashedPassword} made it).
   */
  public CompletableFuture<Object> propose(RaftRequest.Kind kind, MessageLite request, Credentials caller) {
    requireUp();
    return auth.who(caller).thenCompose(who -> proposals.propose(kind, request, who));
  }

  /**
   * etcd's quota check in front of Put, Txn and LeaseGrant, before any field validation: a request
   * of {@code cost} that does not fit raises a NOSPACE alarm for this member through Raft and,
   * once that is done either way, fails with NOSPACE. Returns null when the request fits.
   */
  <T> CompletableFuture<T> refuseOverQuota(long cost) {
    requireUp();
    if (backend.fits(cost)) {
      return null;
    }
    CompletableFuture<T> refused = new CompletableFuture<>();
    raiseNoSpace().whenComplete(
        (ignored, failure) -> refused.completeExceptionally(EtcdError.NO_SPACE.toException()));
    return refused;
  }

  CompletableFuture<AlarmResponse> raiseNoSpace() {
    return maintenance.alarm(AlarmRequest.newBuilder()
        .setAction(AlarmRequest.AlarmAction.ACTIVATE).setMemberID(id).setAlarm(AlarmType.NOSPACE)
        .build(), Credentials.NONE);
  }

  /** Runs {@code query} on this member's applied store now; etcd errors surface as thrown. */
  <T> T local(Function<EtcdStateMachine, T> query) {
    return query.apply(requireUp().stateMachine());
  }

  /** The response header as this member fills it, from {@code partial}'s revision if set. */
  public ResponseHeader header(ResponseHeader partial) {
    return headers.fill(partial);
  }

  /**
   * etcd's {@code isConnectedSince}: this member's transport to {@code peer} has been active since
   * strictly before {@code nanos} of virtual time.
   */
  boolean connectedSince(long peer, long nanos) {
    OptionalLong since = cluster.sim().network().connectedSince(id, peer);
    return since.isPresent() && since.getAsLong() < nanos;
  }

  /** etcd's non-zero {@code ActiveSince}: this member's transport to {@code peer} is up now. */
  boolean connected(long peer) {
    return cluster.sim().network().connectedSince(id, peer).isPresent();
  }

  // ---- the HTTP side of the client port ----

  /**
   * etcd 3.4's {@code checkHealth} for {@code /health}: unhealthy under any alarm or without a
   * leader, else as a quorum read turns out (etcd proposes a v2 QGET; the fake reads through
   * ReadIndex, so its raft index does not move). Under the cluster lock.
   */
  public CompletableFuture<Boolean> health() {
    SimMember<EtcdStateMachine> m = requireUp();
    if (!m.stateMachine().alarms().statusErrors().isEmpty() || m.leaderId() == 0) {
      return CompletableFuture.completedFuture(false);
    }
    return reads.linearizable(sm -> true).exceptionally(failure -> false);
  }

  /** What etcd's {@code /metrics} tells of this member now. Under the cluster lock. */
  public MemberMetrics metrics() {
    SimMember<EtcdStateMachine> m = requireUp();
    return new MemberMetrics(m.leaderId() != 0, proposals.leaderChanges(), m.status().commit(),
        m.appliedIndex(), proposals.pending(), proposals.failed(), backend.size(),
        m.stateMachine().bytesInUse(), m.stateMachine().store().liveKeys());
  }

  // ---- the process ----

  /**
   * Set from a pause until the resume (under the cluster lock), read without it: answers take the
   * lock to check for a pause only while one may be on.
   */
  private volatile boolean mayBePaused;

  /**
   * Runs {@code answer} now, or when the member resumes if it is paused. Answers come from gRPC
   * threads as futures complete: the check and the queue are the cluster lock's, the answer is not.
   */
  public void whenRunning(Runnable answer) {
    if (mayBePaused) {
      synchronized (cluster.lock()) {
        if (member().isPaused()) {
          parked.addLast(answer);
          return;
        }
      }
    }
    answer.run();
  }

  /** The member was paused (under the cluster lock): answers check for it from now on. */
  void paused() {
    mayBePaused = true;
  }

  /** The member resumed: calls and answers that waited go on, in arrival order. */
  void resumed() {
    mayBePaused = false;
    while (!parked.isEmpty()) {
      parked.removeFirst().run();
    }
  }

  /** The member stopped: every waiting request fails as its connection would. */
  void stopped() {
    parked.clear();
    proposals.stopped();
    watches.stopped();
    feed.stopped();
    reads.stopped();
    maintenance.stopped();
    leases.stopped();
    auth.stopped();
  }

  SimMember<EtcdStateMachine> requireUp() {
    SimMember<EtcdStateMachine> m = member();
    if (!m.isUp()) {
      throw EtcdError.STOPPED.toException();
    }
    return m;
  }
}
