package dev.fakeetcd.internal.server;

import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberPromoteResponse;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberRemoveResponse;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.MemberUpdateResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.membership.PeerUrls;
import dev.fakeetcd.internal.raft.RaftStatus;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfChangeType;
import dev.fakeetcd.internal.raft.tracker.PeerProgress;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * etcd 3.4's MemberList and MemberAdd/Remove/Promote/Update over each member's own applied list
 * ({@link MemberList}, kept by its state machine), with the checks of {@code mayAddMember} and
 * friends (strict reconfiguration check on, as etcd's default) run on the asked member's list.
 * Changes go through the Raft log from the member asked. What is not a matter of the log lives
 * here: which members have been started (published their names), and each change's apply-time
 * verdict. Called only under the cluster lock.
 */
public final class Membership {

  /** etcd's readyPercent: a learner is promotable at 90 % of the leader's match index. */
  private static final double READY_PERCENT = 0.9;
  private static final int MAX_LEARNERS = 1;
  /** etcd's HealthInterval: how long a peer must have been connected to count for a change. */
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

  private final Cluster cluster;
  /** Members whose process published its name (runs or ran). */
  private final TreeSet<Long> started = new TreeSet<>();
  /**
   * The list a member started by {@link Cluster#startAddedMember} got from its peers, as a
   * joining etcd member does; it answers from that until its own list has it.
   */
  private final TreeMap<Long, MemberList> joinedWith = new TreeMap<>();
  /** The last membership change any member applied; each is decided once, for all. */
  private long lastChangeIndex;
  /** See {@link #mayHaveLearners}. */
  private volatile boolean learnerAsked;
  /** Membership changes refused when applied, by index, with etcd's error. */
  private final TreeMap<Long, EtcdError> refused = new TreeMap<>();

  Membership(Cluster cluster, List<Long> initial) {
    this.cluster = cluster;
    started.addAll(initial);
  }

  boolean isStarted(long id) {
    return started.contains(id);
  }

  /** Whether {@code id} is listed, not started, by the member list that is furthest along. */
  boolean isStartable(long id) {
    return !started.contains(id) && newest().contains(id);
  }

  /** Member {@code id} was started; it begins with the list of the member furthest along. */
  void started(long id) {
    started.add(id);
    joinedWith.put(id, newest().copy());
  }

  /**
   * False while no MemberAdd asked for a learner, the only way one comes to be (a bootstrap and a
   * restored snapshot have voters only): no member is a learner then. Any thread.
   */
  public boolean mayHaveLearners() {
    return learnerAsked;
  }

  /** Whether {@code member} counts itself a learner, from its own list as etcd 3.4 does. */
  public boolean isLearner(long member) {
    return view(member).isLearner(member);
  }

  /** Whether {@code target} may lead, in {@code member}'s list: listed and not a learner. */
  boolean isVoter(long member, long target) {
    MemberList list = view(member);
    return list.contains(target) && !list.isLearner(target);
  }

  /** The list {@code member} answers from: its own, or the one it joined with until that has it. */
  private MemberList view(long member) {
    MemberList own = cluster.sim().member(member).stateMachine().members();
    MemberList joined = joinedWith.get(member);
    return own.contains(member) || joined == null ? own : joined;
  }

  /** The own list of the member that is up and has applied the most (the first such, by index). */
  private MemberList newest() {
    SimMember<EtcdStateMachine> best = null;
    for (long id : cluster.memberIds()) {
      SimMember<EtcdStateMachine> m = cluster.sim().member(id);
      if (m.isUp() && (best == null || m.appliedIndex() > best.appliedIndex())) {
        best = m;
      }
    }
    if (best == null) {
      throw new IllegalStateException("no member is up to tell its member list");
    }
    return best.stateMachine().members();
  }

  public MemberListResponse list(MemberServer asking) {
    return MemberListResponse.newBuilder().setHeader(header(asking))
        .addAllMembers(describe(view(asking.id()))).build();
  }

  /**
   * MemberAdd: the URLs are parsed first (etcd's gRPC layer), then the caller must be an admin,
   * as for every membership change (etcd's {@code checkMembershipOperationPermission}).
   */
  public CompletableFuture<MemberAddResponse> add(MemberServer asking, MemberAddRequest request,
      Credentials caller) {
    List<String> urls = PeerUrls.parse(request.getPeerURLsList())
        .orElseThrow(() -> new EtcdException(EtcdError.MEMBER_BAD_URLS));
    return asking.auth().asAdmin(caller, () -> add(asking, request, urls));
  }

  private CompletableFuture<MemberAddResponse> add(MemberServer asking, MemberAddRequest request,
      List<String> urls) {
    long id = memberId(urls, cluster.clock().now().getEpochSecond());
    boolean learner = request.getIsLearner();
    learnerAsked |= learner;
    MemberList list = view(asking.id());
    if (!learner && !readyToAddVoter(list)) {
      throw new EtcdException(EtcdError.NOT_ENOUGH_STARTED_MEMBERS);
    }
    if (connectedVoters(asking, list) != voters(list, 0).count()) {
      throw new EtcdException(EtcdError.UNHEALTHY);
    }
    ConfChangeType type = learner ? ConfChangeType.ADD_LEARNER_NODE : ConfChangeType.ADD_NODE;
    ConfChange change = new ConfChange(type, id, MemberList.context(MemberList.ADD, urls));
    Member added = Member.newBuilder().setID(id).addAllPeerURLs(urls).setIsLearner(learner).build();
    return configure(asking, change, () -> MemberAddResponse.newBuilder()
        .setHeader(header(asking)).setMember(added).addAllMembers(answering(asking)).build());
  }

  public CompletableFuture<MemberRemoveResponse> remove(MemberServer asking,
      MemberRemoveRequest request, Credentials caller) {
    return asking.auth().asAdmin(caller, () -> remove(asking, request));
  }

  private CompletableFuture<MemberRemoveResponse> remove(MemberServer asking,
      MemberRemoveRequest request) {
    long id = request.getID();
    MemberList list = view(asking.id());
    MemberList.Info info = list.get(id);
    if ((info == null || !info.learner()) && !readyToRemoveVoter(list, id)) {
      throw new EtcdException(EtcdError.NOT_ENOUGH_STARTED_MEMBERS);
    }
    if (info == null) {
      throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
    }
    // A member down (or cut off) is not part of the active quorum, so it may always go.
    boolean down = id != asking.id() && !asking.connected(id);
    if (!info.learner() && !down
        && connectedVoters(asking, list) - 1 < 1 + (voters(list, 0).count() - 1) / 2) {
      throw new EtcdException(EtcdError.UNHEALTHY);
    }
    ConfChange change = new ConfChange(ConfChangeType.REMOVE_NODE, id,
        MemberList.context(MemberList.REMOVE, List.of()));
    return configure(asking, change, () -> MemberRemoveResponse.newBuilder()
        .setHeader(header(asking)).addAllMembers(answering(asking)).build());
  }

  public CompletableFuture<MemberPromoteResponse> promote(MemberServer asking,
      MemberPromoteRequest request, Credentials caller) {
    return asking.auth().asAdmin(caller, () -> promote(asking, request));
  }

  private CompletableFuture<MemberPromoteResponse> promote(MemberServer asking,
      MemberPromoteRequest request) {
    long id = request.getID();
    // etcd's order: the leader's view of the learner first, then the quorum check.
    requireInSync(id);
    MemberList list = view(asking.id());
    if (!readyToPromote(list)) {
      throw new EtcdException(EtcdError.NOT_ENOUGH_STARTED_MEMBERS);
    }
    MemberList.Info info = list.get(id);
    if (info == null) {
      throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
    }
    if (!info.learner()) {
      throw new EtcdException(EtcdError.MEMBER_NOT_LEARNER);
    }
    ConfChange change = new ConfChange(ConfChangeType.ADD_NODE, id,
        MemberList.context(MemberList.PROMOTE, List.of()));
    return configure(asking, change, () -> MemberPromoteResponse.newBuilder()
        .setHeader(header(asking)).addAllMembers(answering(asking)).build());
  }

  /**
   * Replaces the peer URLs through a Raft entry that changes no configuration (etcd's
   * ConfChangeUpdateNode). As in etcd 3.4, the listed member loses its learner flag, though Raft
   * keeps it a learner; and the URLs are not checked, but stored as given, in their order.
   */
  public CompletableFuture<MemberUpdateResponse> update(MemberServer asking,
      MemberUpdateRequest request, Credentials caller) {
    return asking.auth().asAdmin(caller, () -> update(asking, request));
  }

  private CompletableFuture<MemberUpdateResponse> update(MemberServer asking,
      MemberUpdateRequest request) {
    long id = request.getID();
    List<String> urls = request.getPeerURLsList();
    if (id == 0) { // Raft has no node 0; etcd finds no member 0 when it applies
      throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
    }
    // etcd 3.4.23 applies such URLs, then every other member's peer transport parses them
    // (rafthttp's Transport.UpdatePeer) and panics: the fake refuses them as MemberAdd would.
    MemberList list = view(asking.id());
    if (list.contains(id) && list.ids().size() > 1 && PeerUrls.parse(urls).isEmpty()) {
      throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
    }
    return configure(asking, new ConfChange(ConfChangeType.UPDATE_NODE, id,
        MemberList.context(MemberList.UPDATE, urls)), () -> MemberUpdateResponse.newBuilder()
        .setHeader(header(asking)).addAllMembers(answering(asking)).build());
  }

  /** The members of a change's answer: the asked member's list once it applied the change. */
  private List<Member> answering(MemberServer asking) {
    return describe(cluster.sim().member(asking.id()).stateMachine().members());
  }

  /**
   * etcd's {@code configure}: {@code change} is proposed on the member asked, and the answer comes
   * when that member has applied it; with etcd's error if the change was refused then. A change
   * lost on the way, or dropped by Raft, is waited for until the call ends (see ClusterService);
   * the member stopping ends the wait with ErrStopped.
   */
  private <T> CompletableFuture<T> configure(MemberServer asking, ConfChange change,
      Supplier<T> response) {
    CompletableFuture<Long> applied = cluster.sim().member(asking.id()).proposeConfChange(change);
    CompletableFuture<T> result = new CompletableFuture<>();
    applied.whenComplete((index, failure) -> {
      if (failure == null) {
        EtcdError error = refused.get(index);
        if (error == null) {
          result.complete(response.get());
        } else {
          result.completeExceptionally(error.toException());
        }
      } else if (failure instanceof IllegalStateException) {
        result.completeExceptionally(EtcdError.STOPPED.toException());
      }
    });
    // A call that ends first withdraws a change still waiting for a leader.
    result.whenComplete((answer, failure) -> applied.cancel(false));
    return result;
  }

  /**
   * Whether the change committed at {@code index} takes effect, as etcd's
   * ValidateConfigurationChange decides when a member applies it against its list, {@code list}.
   * Every member's list is the same at that index, so the first member to apply it decides for
   * all (the check also asks the simulation, which that first apply changes); later members, and
   * replays after restarts, get the same answer.
   */
  boolean admit(long index, ConfChange change, MemberList list) {
    if (index > lastChangeIndex) {
      lastChangeIndex = index;
      byte[] context = change.context();
      EtcdError error = check(context[0], change, MemberList.urls(context), list);
      if (error != null) {
        refused.put(index, error);
      } else if (context[0] == MemberList.REMOVE) {
        // Not inside Raft processing: stopping its servers ends calls.
        cluster.clock().schedule(Duration.ZERO, () -> cluster.removed(change.nodeId()));
      }
    }
    return !refused.containsKey(index);
  }

  private EtcdError check(byte kind, ConfChange change, List<String> urls, MemberList list) {
    long id = change.nodeId();
    if (list.wasRemoved(id)) {
      // etcd's ErrIDRemoved, which its gRPC layer reports as "member not found".
      return EtcdError.MEMBER_NOT_FOUND;
    }
    MemberList.Info info = list.get(id);
    if (kind == MemberList.ADD) {
      // The simulation's own limit on ids (their low 16 bits) is reported as a clash too.
      if (info != null || !cluster.sim().idUsable(id)) {
        return EtcdError.MEMBER_EXIST;
      }
      if (!urlsFree(list, urls, 0)) {
        return EtcdError.PEER_URL_EXIST;
      }
      boolean learner = change.type() == ConfChangeType.ADD_LEARNER_NODE;
      if (learner && learners(list) >= MAX_LEARNERS) {
        return EtcdError.TOO_MANY_LEARNERS;
      }
      return null;
    }
    if (info == null) {
      return EtcdError.MEMBER_NOT_FOUND;
    }
    if (kind == MemberList.PROMOTE && !info.learner()) {
      return EtcdError.MEMBER_NOT_LEARNER;
    }
    if (kind == MemberList.UPDATE && !urlsFree(list, urls, id)) {
      return EtcdError.PEER_URL_EXIST;
    }
    return null;
  }

  // ---- etcd's checks ----

  private static int learners(MemberList list) {
    int learners = 0;
    for (long id : list.ids()) {
      learners += list.isLearner(id) ? 1 : 0;
    }
    return learners;
  }

  /**
   * etcd's numConnectedSince over the voting members: the member asked, plus each voter its
   * transport has reached without a break for the last HealthInterval.
   */
  private int connectedVoters(MemberServer asking, MemberList list) {
    long since = cluster.clock().nanos() - HEALTH_INTERVAL.toNanos();
    int connected = 0;
    for (long id : list.ids()) {
      if (!list.isLearner(id) && (id == asking.id() || asking.connectedSince(id, since))) {
        connected++;
      }
    }
    return connected;
  }

  /** Voters in {@code list}, and how many of them were started ({@code except} not counted). */
  private record Voters(int count, int started) {
  }

  private Voters voters(MemberList list, long except) {
    int count = 0;
    int started = 0;
    for (long id : list.ids()) {
      if (!list.isLearner(id)) {
        count++;
        started += isStarted(id) && id != except ? 1 : 0;
      }
    }
    return new Voters(count, started);
  }

  /** etcd's IsReadyToAddVotingMember, the new voter counted; 1 member may add a second. */
  private boolean readyToAddVoter(MemberList list) {
    Voters v = voters(list, 0);
    int voters = v.count() + 1;
    return (v.started() == 1 && voters == 2) || v.started() >= voters / 2 + 1;
  }

  /** etcd's IsReadyToRemoveVotingMember. */
  private boolean readyToRemoveVoter(MemberList list, long id) {
    Voters v = voters(list, id);
    return v.started() >= (v.count() - 1) / 2 + 1;
  }

  /** etcd's IsReadyToPromoteMember: the learner counts as a started voter already. */
  private boolean readyToPromote(MemberList list) {
    Voters v = voters(list, 0);
    return v.started() + 1 >= (v.count() + 1) / 2 + 1;
  }

  /** etcd's isLearnerReady, judged on the leader's progress; members it does not track pass. */
  private void requireInSync(long id) {
    SimMember<EtcdStateMachine> leader = cluster.sim().leader()
        .orElseThrow(() -> new EtcdException(EtcdError.NOT_LEADER));
    RaftStatus status = leader.status();
    PeerProgress peer = status.progress().get(id);
    PeerProgress self = status.progress().get(status.id());
    if (peer != null && self != null && peer.match() < self.match() * READY_PERCENT) {
      throw new EtcdException(EtcdError.LEARNER_NOT_READY);
    }
  }

  private boolean urlsFree(MemberList list, List<String> urls, long except) {
    for (Map.Entry<Long, MemberList.Info> e : list.entries()) {
      if (e.getKey() != except && peerUrls(e).stream().anyMatch(urls::contains)) {
        return false;
      }
    }
    return true;
  }

  /**
   * etcd's member ID: the first 8 bytes, big endian, of SHA-1 over the sorted peer URLs, the
   * cluster name (empty for MemberAdd) and the Unix seconds as decimal text. The fake's seconds are
   * its virtual clock's, never the wall clock's.
   */
  static long memberId(List<String> sortedUrls, long unixSeconds) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      for (String url : sortedUrls) {
        sha1.update(url.getBytes(StandardCharsets.UTF_8));
      }
      sha1.update(Long.toString(unixSeconds).getBytes(StandardCharsets.US_ASCII));
      return ByteBuffer.wrap(sha1.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  // ---- responses ----

  private static ResponseHeader header(MemberServer asking) {
    // Cluster responses carry no revision: etcd's ClusterServer.header
    // (etcdserver/api/v3rpc/member.go) sets cluster ID, member ID and Raft term only.
    return asking.header(ResponseHeader.getDefaultInstance()).toBuilder().setRevision(0).build();
  }

  /** Each member of {@code list} as MemberList answers, by unsigned ID. */
  private List<Member> describe(MemberList list) {
    List<Member> members = new ArrayList<>();
    for (Map.Entry<Long, MemberList.Info> e : list.entries()) {
      long id = e.getKey();
      Member.Builder m = Member.newBuilder().setID(id).addAllPeerURLs(peerUrls(e))
          .setIsLearner(e.getValue().learner());
      if (isStarted(id)) {
        int index = cluster.memberIds().indexOf(id);
        m.setName(Cluster.memberName(index));
        cluster.endpoint(index).ifPresent(uri -> m.addClientURLs(uri.toString()));
      }
      members.add(m.build());
    }
    return members;
  }

  /** The newest member list, as MemberList answers it on the member furthest along. */
  List<Member> all() {
    return describe(newest());
  }

  /** A bootstrap member's peer URL is the cluster's for its member index. */
  private List<String> peerUrls(Map.Entry<Long, MemberList.Info> e) {
    return e.getValue().bootstrap()
        ? List.of(cluster.peerUrl(cluster.memberIds().indexOf(e.getKey())))
        : e.getValue().peerUrls();
  }
}
