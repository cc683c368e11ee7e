package dev.fakeetcd;

import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.Trace;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running fake etcd cluster: its members, their endpoints, the virtual clock and the simulated
 * network between members. Close it to free every port and thread.
 *
 * <pre>{@code
 * try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).build())) {
 *   Member leader = cluster.awaitLeader();
 *   ManagedChannel channel = cluster.inProcessChannel(leader);  // or cluster.endpoints() with TCP
 *   KVGrpc.newBlockingStub(channel).put(request);
 *   leader.crash();                                  // a process dies
 *   cluster.clock().advance(Duration.ofSeconds(3));  // the others elect a new leader
 * }
 * }</pre>
 */
public final class EtcdCluster implements AutoCloseable {

  private final ClusterConfig config;
  private final Cluster cluster;
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final Network network;
  private final VirtualClock clock;
  private final ClientLinks clientLinks;
  private final Leases leases;
  private final Alarms alarms;
  private final AuthTokens authTokens;
  private final History history;

  EtcdCluster(ClusterConfig config, MemberEndpoints served) {
    this.config = config;
    this.cluster = served.cluster();
    this.network = new Network(cluster);
    this.clock = new VirtualClock(cluster.clock());
    this.clientLinks = new ClientLinks(cluster, served);
    this.leases = new Leases(cluster);
    this.alarms = new Alarms(cluster);
    this.authTokens = new AuthTokens(cluster);
    this.history = new History(cluster, config.restoreFrom().isPresent());
    List<Long> ids = cluster.memberIds();
    for (int i = 0; i < ids.size(); i++) {
      members.add(new Member(cluster, i, ids.get(i)));
    }
  }

  /** The configuration it was started with. */
  public ClusterConfig config() {
    return config;
  }

  /** The seed of its random choices: rerun with it to see the same run again. */
  public long seed() {
    return cluster.seed();
  }

  /** etcd's cluster ID, as in every response header. */
  public long clusterId() {
    return cluster.clusterId();
  }

  /** Every member, in index order. */
  public List<Member> members() {
    return List.copyOf(members);
  }

  /**
   * Starts member {@code id}, added by a MemberAdd call and not started yet, as an operator would
   * start the new etcd process: it joins with an empty disk and serves on its own endpoint.
   * Returns it; it is also the last of {@link #members()} from now on.
   */
  public Member startAddedMember(long id) {
    // Not under the cluster lock: starting servers must not block it.
    synchronized (members) {
      Member member = new Member(cluster, cluster.startAddedMember(id), id);
      members.add(member);
      return member;
    }
  }

  /**
   * The member list as a MemberList call answers it: every member added and not removed, by
   * unsigned ID; a member added and not started yet has no name and no client URLs. Unlike
   * {@link #members()}, removed members are gone from it.
   */
  public List<MemberListEntry> memberList() {
    return cluster.memberList().stream().map(MemberListEntry::of).toList();
  }

  /** Member {@code index} of {@link #members()}. */
  public Member member(int index) {
    if (index < 0 || index >= members.size()) {
      throw new IndexOutOfBoundsException("member index " + index + " of " + members.size());
    }
    return members.get(index);
  }

  /** {@code http://127.0.0.1:port} of each member; empty unless the config asked for TCP. */
  public List<URI> endpoints() {
    return cluster.endpoints();
  }

  /**
   * A new in-process channel to {@code member}; the caller shuts it down. It runs calls on the
   * caller's thread, so even an asynchronous call has reached the member when it returns, and a
   * clock advanced afterwards counts for it.
   */
  public ManagedChannel inProcessChannel(Member member) {
    return InProcessChannelBuilder.forName(cluster.inProcessName(member.index())).directExecutor()
        .build();
  }

  /** The cluster's virtual clock; advancing it runs every raft tick and timeout due meanwhile. */
  public VirtualClock clock() {
    return clock;
  }

  /**
   * The simulated network between members: partitions, one-way cuts, latency, loss, duplication,
   * held messages.
   *
   * <pre>{@code cluster.network().isolate(cluster.member(0));}</pre>
   */
  public Network network() {
    return network;
  }

  /**
   * Faults between clients and members: failed calls with a chosen etcd error, delayed responses,
   * dropped connections.
   *
   * <pre>{@code cluster.clientLinks().failNext(leader, "etcdserverpb.KV/Put", 1, EtcdFailure.NO_LEADER);}</pre>
   */
  public ClientLinks clientLinks() {
    return clientLinks;
  }

  /** The cluster's auth tokens: expiring them now. */
  public AuthTokens authTokens() {
    return authTokens;
  }

  /** The cluster's alarms (NOSPACE, CORRUPT): raising, clearing and listing them. */
  public Alarms alarms() {
    return alarms;
  }

  /**
   * What the cluster's clients did and saw, recorded as its members served them, and the checks
   * that read it (linearizability, watch guarantees, serializable reads).
   *
   * <pre>{@code cluster.history().watchGuaranteeViolation().ifPresent(Assertions::fail);}</pre>
   */
  public History history() {
    return history;
  }

  /** The leases the leader holds; expiring one at once. */
  public Leases leases() {
    return leases;
  }

  /**
   * Asks the leader to hand leadership to {@code to}. On a healthy network the handover completes
   * before this returns, without time passing; otherwise it goes on as the clock advances (check
   * with {@link #leader()}).
   *
   * @throws IllegalStateException if there is no leader
   */
  public void transferLeadership(Member to) {
    cluster.transferLeadership(to.id());
  }

  /** Every member's role, term, applied index and revision, taken at one instant. */
  public List<MemberStatus> status() {
    synchronized (cluster.lock()) {
      List<MemberStatus> all = new ArrayList<>();
      for (Member m : members) {
        all.add(m.status());
      }
      return all;
    }
  }

  /**
   * The retained tail of the cluster's trace (elections, commits, deliveries, faults, client
   * calls), one event per line with its virtual time; what a failure report writes to a file.
   */
  public String trace() {
    synchronized (cluster.lock()) {
      Trace trace = cluster.trace();
      long dropped = trace.recordedCount() - trace.events().size();
      return (dropped > 0 ? "(" + dropped + " earlier events not retained)\n" : "") + trace.render();
    }
  }

  /**
   * The last {@code events} faults, elections, leader changes, membership changes and client calls
   * of the trace, one per line as {@link #trace()} writes them, with the routine Raft traffic
   * between them (heartbeats, appends, commits, applies) folded into counts per kind; what a
   * failure report shows. These events are kept apart from the trace's ring, so a long run's
   * early faults are still here.
   */
  public String traceSummary(int events) {
    synchronized (cluster.lock()) {
      return cluster.trace().summary(events);
    }
  }

  /** The retained trace events, oldest first: what the timeline draws members' lanes from. */
  List<Trace.Event> traceEvents() {
    synchronized (cluster.lock()) {
      return cluster.trace().events();
    }
  }

  /** The member that currently leads, if any. */
  public Optional<Member> leader() {
    return cluster.leaderId().map(this::byId);
  }

  /**
   * Advances virtual time until a leader exists, for at most 50 election timeouts.
   *
   * @throws IllegalStateException if none emerges, describing every member
   */
  public Member awaitLeader() {
    return byId(cluster.awaitLeader(config.election().multipliedBy(50)));
  }

  /** Compacts the key-value history at {@code revision} through Raft, as a client's Compact. */
  public void compact(long revision) {
    cluster.compact(revision);
  }

  /** The cluster lock; for this package's tests that must hold it while clients arrive. */
  Object lock() {
    return cluster.lock();
  }

  private Member byId(long id) {
    for (Member m : members) {
      if (m.id() == id) {
        return m;
      }
    }
    throw new IllegalStateException("unknown member id " + id);
  }

  /** Stops every member's servers, freeing their ports, and the wall-clock driver if any. */
  @Override
  public void close() {
    cluster.close();
  }

  @Override
  public String toString() {
    return "EtcdCluster[seed=" + seed() + ", members=" + members + "]";
  }
}
