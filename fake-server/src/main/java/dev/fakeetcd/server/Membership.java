package dev.fakeetcd.server;

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
import dev.fakeetcd.raft.ConfChange;
import dev.fakeetcd.raft.ConfChangeType;
import dev.fakeetcd.raft.PeerProgress;
import dev.fakeetcd.raft.RaftStatus;
import dev.fakeetcd.sim.SimMember;
import java.net.URI;
import java.net.URISyntaxException;
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
 * The cluster's member list as etcd 3.4 keeps it (its {@code membership.RaftCluster}), with the
 * checks of its MemberAdd/Remove/Promote/Update ({@code mayAddMember} and friends, strict
 * reconfiguration check on, as etcd's default). Membership changes go through the Raft log from
 * the member asked; the list, one for the whole cluster, is updated when the first member applies
 * a change. Called only under the cluster lock.
 */
final class Membership {

  /** etcd's readyPercent: a learner is promotable at 90 % of the leader's match index. */
  private static final double READY_PERCENT = 0.9;
  private static final int MAX_LEARNERS = 1;
  /** etcd's HealthInterval: how long a peer must have been connected to count for a change. */
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);
  /** What a change's context says it does (ADD_NODE both adds and promotes, as in etcd). */
  private static final byte ADD = 'a';
  private static final byte PROMOTE = 'p';
  private static final byte REMOVE = 'r';
  private static final byte UPDATE = 'u';

  /** One member; {@code started} once its process published its name (runs or ran). */
  private static final class Info {
    List<String> peerUrls;
    boolean learner;
    boolean started;

    Info(List<String> peerUrls, boolean learner, boolean started) {
      this.peerUrls = peerUrls;
      this.learner = learner;
      this.started = started;
    }
  }

  private final EtcdServer server;
  /** By ID as etcd orders them: unsigned. */
  private final TreeMap<Long, Info> members = new TreeMap<>(Long::compareUnsigned);
  /** etcd never reuses an ID: re-adding the same URLs within the same second is refused. */
  private final TreeSet<Long> removed = new TreeSet<>();
  /** The last membership change any member applied; each is decided once, for all. */
  private long lastChangeIndex;
  /** Membership changes refused when applied, by index, with etcd's error. */
  private final TreeMap<Long, EtcdError> refused = new TreeMap<>();

  Membership(EtcdServer server, List<Long> initial) {
    this.server = server;
    for (int i = 0; i < initial.size(); i++) {
      members.put(initial.get(i), new Info(
          List.of("http://" + EtcdServer.memberName(i) + ".fake-etcd:2380"), false, true));
    }
  }

  boolean contains(long id) {
    return members.containsKey(id);
  }

  /** A member that may lead: listed and not a learner (started or not). */
  boolean isVoter(long id) {
    Info info = members.get(id);
    return info != null && !info.learner;
  }

  boolean isStarted(long id) {
    Info info = members.get(id);
    return info != null && info.started;
  }

  boolean isLearner(long id) {
    Info info = members.get(id);
    return info != null && info.learner;
  }

  void started(long id) {
    members.get(id).started = true;
  }

  MemberListResponse list(MemberServer asking) {
    return MemberListResponse.newBuilder().setHeader(header(asking)).addAllMembers(all()).build();
  }

  CompletableFuture<MemberAddResponse> add(MemberServer asking, MemberAddRequest request) {
    List<String> urls = parseUrls(request.getPeerURLsList());
    long id = memberId(urls, server.clock().now().getEpochSecond());
    boolean learner = request.getIsLearner();
    if (!learner && !readyToAddVoter()) {
      throw new EtcdException(EtcdError.NOT_ENOUGH_STARTED_MEMBERS);
    }
    if (connectedVoters(asking) != voters()) {
      throw new EtcdException(EtcdError.UNHEALTHY);
    }
    ConfChangeType type = learner ? ConfChangeType.ADD_LEARNER_NODE : ConfChangeType.ADD_NODE;
    ConfChange change = new ConfChange(type, id, context(ADD, urls));
    Member added = Member.newBuilder().setID(id).addAllPeerURLs(urls).setIsLearner(learner).build();
    return configure(asking, change, () -> MemberAddResponse.newBuilder()
        .setHeader(header(asking)).setMember(added).addAllMembers(all()).build());
  }

  CompletableFuture<MemberRemoveResponse> remove(MemberServer asking, MemberRemoveRequest request) {
    long id = request.getID();
    Info info = members.get(id);
    if ((info == null || !info.learner) && !readyToRemoveVoter(id)) {
      throw new EtcdException(EtcdError.NOT_ENOUGH_STARTED_MEMBERS);
    }
    if (info == null) {
      throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
    }
    // A member down (or cut off) is not part of the active quorum, so it may always go.
    boolean down = id != asking.id() && !asking.connected(id);
    if (!info.learner && !down && connectedVoters(asking) - 1 < 1 + (voters() - 1) / 2) {
      throw new EtcdException(EtcdError.UNHEALTHY);
    }
    ConfChange change = new ConfChange(ConfChangeType.REMOVE_NODE, id, context(REMOVE, List.of()));
    return configure(asking, change,
        () -> MemberRemoveResponse.newBuilder().setHeader(header(asking)).addAllMembers(all())
            .build());
  }

  CompletableFuture<MemberPromoteResponse> promote(MemberServer asking,
      MemberPromoteRequest request) {
    long id = request.getID();
    // etcd's order: the leader's view of the learner first, then the quorum check.
    requireInSync(id);
    if (!readyToPromote()) {
      throw new EtcdException(EtcdError.NOT_ENOUGH_STARTED_MEMBERS);
    }
    Info info = members.get(id);
    if (info == null) {
      throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
    }
    if (!info.learner) {
      throw new EtcdException(EtcdError.MEMBER_NOT_LEARNER);
    }
    ConfChange change = new ConfChange(ConfChangeType.ADD_NODE, id, context(PROMOTE, List.of()));
    return configure(asking, change,
        () -> MemberPromoteResponse.newBuilder().setHeader(header(asking)).addAllMembers(all())
            .build());
  }

  /**
   * Replaces the peer URLs through a Raft entry that changes no configuration (etcd's
   * ConfChangeUpdateNode). As in etcd 3.4, the stored member loses its learner flag, though Raft
   * keeps it a learner.
   */
  CompletableFuture<MemberUpdateResponse> update(MemberServer asking,
      MemberUpdateRequest request) {
    List<String> urls = parseUrls(request.getPeerURLsList());
    if (request.getID() == 0) { // Raft has no node 0; etcd finds no member 0 when it applies
      throw new EtcdException(EtcdError.MEMBER_NOT_FOUND);
    }
    return configure(asking,
        new ConfChange(ConfChangeType.UPDATE_NODE, request.getID(), context(UPDATE, urls)),
        () -> MemberUpdateResponse.newBuilder().setHeader(header(asking)).addAllMembers(all())
            .build());
  }

  /**
   * etcd's {@code configure}: {@code change} is proposed on the member asked, and the answer comes
   * when that member has applied it; with etcd's error if the change was refused then. A change
   * lost on the way, or dropped by Raft, is waited for until the call ends (see ClusterService);
   * the member stopping ends the wait with ErrStopped.
   */
  private <T> CompletableFuture<T> configure(MemberServer asking, ConfChange change,
      Supplier<T> response) {
    CompletableFuture<Long> applied = server.sim().member(asking.id()).proposeConfChange(change);
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
   * Decides, once for all members, whether the change committed at {@code index} takes effect, as
   * etcd's ValidateConfigurationChange does when a member applies it, and updates the list on the
   * first member to apply it. Later members, and replays after restarts, get the same answer.
   */
  boolean admit(long index, ConfChange change) {
    if (index <= lastChangeIndex) {
      return !refused.containsKey(index);
    }
    lastChangeIndex = index;
    byte[] context = change.context();
    EtcdError error = check(context[0], change, urls(context));
    if (error != null) {
      refused.put(index, error);
      return false;
    }
    apply(context[0], change, urls(context));
    return true;
  }

  private EtcdError check(byte kind, ConfChange change, List<String> urls) {
    long id = change.nodeId();
    if (removed.contains(id)) {
      // etcd's ErrIDRemoved, which its gRPC layer reports as "member not found".
      return EtcdError.MEMBER_NOT_FOUND;
    }
    Info info = members.get(id);
    if (kind == ADD) {
      // The simulation's own limit on ids (their low 16 bits) is reported as a clash too.
      if (info != null || !server.sim().idUsable(id)) {
        return EtcdError.MEMBER_EXIST;
      }
      if (!urlsFree(urls, 0)) {
        return EtcdError.PEER_URL_EXIST;
      }
      boolean learner = change.type() == ConfChangeType.ADD_LEARNER_NODE;
      if (learner && members.values().stream().filter(m -> m.learner).count() >= MAX_LEARNERS) {
        return EtcdError.TOO_MANY_LEARNERS;
      }
      return null;
    }
    if (info == null) {
      return EtcdError.MEMBER_NOT_FOUND;
    }
    if (kind == PROMOTE && !info.learner) {
      return EtcdError.MEMBER_NOT_LEARNER;
    }
    if (kind == UPDATE && !urlsFree(urls, id)) {
      return EtcdError.PEER_URL_EXIST;
    }
    return null;
  }

  private void apply(byte kind, ConfChange change, List<String> urls) {
    long id = change.nodeId();
    switch (kind) {
      case ADD -> members.put(id,
          new Info(urls, change.type() == ConfChangeType.ADD_LEARNER_NODE, false));
      case PROMOTE -> members.get(id).learner = false;
      case REMOVE -> {
        members.remove(id);
        removed.add(id);
        // Not inside Raft processing: stopping its servers ends calls.
        server.clock().schedule(Duration.ZERO, () -> server.removed(id));
      }
      case UPDATE -> {
        Info info = members.get(id);
        info.peerUrls = urls;
        info.learner = false;
      }
      default -> throw new IllegalStateException("unknown membership change kind " + kind);
    }
  }

  /** etcd puts the member's JSON in the change; here: what the change does, then the peer URLs. */
  private static byte[] context(byte kind, List<String> urls) {
    byte[] text = String.join("\n", urls).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + text.length).put(kind).put(text).array();
  }

  private static List<String> urls(byte[] context) {
    String text = new String(context, 1, context.length - 1, StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  // ---- etcd's checks ----

  private int voters() {
    return (int) members.values().stream().filter(m -> !m.learner).count();
  }

  /**
   * etcd's numConnectedSince over the voting members: the member asked, plus each voter its
   * transport has reached without a break for the last HealthInterval.
   */
  private int connectedVoters(MemberServer asking) {
    long since = server.clock().nanos() - HEALTH_INTERVAL.toNanos();
    int connected = 0;
    for (Map.Entry<Long, Info> e : members.entrySet()) {
      long id = e.getKey();
      if (!e.getValue().learner && (id == asking.id() || asking.connectedSince(id, since))) {
        connected++;
      }
    }
    return connected;
  }

  /** etcd's IsReadyToAddVotingMember; a one-member cluster may always add a second. */
  private boolean readyToAddVoter() {
    int voters = 1;
    int started = 0;
    for (Info m : members.values()) {
      if (!m.learner) {
        voters++;
        started += m.started ? 1 : 0;
      }
    }
    return (started == 1 && voters == 2) || started >= voters / 2 + 1;
  }

  /** etcd's IsReadyToRemoveVotingMember. */
  private boolean readyToRemoveVoter(long id) {
    int voters = 0;
    int started = 0;
    for (Map.Entry<Long, Info> e : members.entrySet()) {
      if (!e.getValue().learner) {
        voters++;
        started += e.getValue().started && e.getKey() != id ? 1 : 0;
      }
    }
    return started >= (voters - 1) / 2 + 1;
  }

  /** etcd's IsReadyToPromoteMember: the learner counts as a started voter already. */
  private boolean readyToPromote() {
    int voters = 1;
    int started = 1;
    for (Info m : members.values()) {
      if (!m.learner) {
        voters++;
        started += m.started ? 1 : 0;
      }
    }
    return started >= voters / 2 + 1;
  }

  /** etcd's isLearnerReady, judged on the leader's progress; members it does not track pass. */
  private void requireInSync(long id) {
    SimMember<EtcdStateMachine> leader = server.sim().leader()
        .orElseThrow(() -> new EtcdException(EtcdError.NOT_LEADER));
    RaftStatus status = leader.status();
    PeerProgress peer = status.progress().get(id);
    PeerProgress self = status.progress().get(status.id());
    if (peer != null && self != null && peer.match() < self.match() * READY_PERCENT) {
      throw new EtcdException(EtcdError.LEARNER_NOT_READY);
    }
  }

  private boolean urlsFree(List<String> urls, long except) {
    for (Map.Entry<Long, Info> e : members.entrySet()) {
      if (e.getKey() != except && e.getValue().peerUrls.stream().anyMatch(urls::contains)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Go's types.NewURLs: at least one URL, each http(s)://host:port with no path; sorted. Any
   * failure is etcd's "given member URLs are invalid".
   */
  static List<String> parseUrls(List<String> raw) {
    if (raw.isEmpty()) {
      throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
    }
    List<String> urls = new ArrayList<>();
    for (String s : raw) {
      try {
        URI uri = new URI(s);
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        String path = uri.getRawPath();
        if (!web || uri.getHost() == null || uri.getPort() < 0
            || (path != null && !path.isEmpty())) {
          throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
        }
      } catch (URISyntaxException e) {
        throw new EtcdException(EtcdError.MEMBER_BAD_URLS);
      }
      urls.add(s);
    }
    urls.sort(null);
    return List.copyOf(urls);
  }

  /**
   * etcd's member ID: the first 8 bytes, big endian, of SHA-1 over the sorted peer URLs, the cluster
   * name (empty for MemberAdd) and the Unix seconds as decimal text. The fake's seconds are its
   * virtual clock's, never the wall clock's.
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
    // Cluster responses carry no revision (reference §8).
    return asking.header(ResponseHeader.getDefaultInstance()).toBuilder().setRevision(0).build();
  }

  /** Every member as MemberList answers, by unsigned ID. */
  List<Member> all() {
    List<Member> list = new ArrayList<>();
    for (long id : members.keySet()) {
      list.add(describe(id));
    }
    return list;
  }

  private Member describe(long id) {
    Info info = members.get(id);
    Member.Builder m = Member.newBuilder().setID(id).addAllPeerURLs(info.peerUrls)
        .setIsLearner(info.learner);
    if (info.started) {
      int index = server.memberIds().indexOf(id);
      m.setName(EtcdServer.memberName(index));
      server.endpoint(index).ifPresent(uri -> m.addClientURLs(uri.toString()));
    }
    return m.build();
  }
}
