package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfChangeType;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.ProposalDroppedException;
import dev.fakeetcd.internal.raft.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A simulated Raft cluster: members, the network between them, one virtual clock and one seeded
 * generator. The same seed and the same sequence of calls give the same run, event for event
 * (compare {@link Trace#digest()}). Single-threaded: the owner serialises every call.
 */
public final class SimCluster<S extends StateMachine> {

  private final long seed;
  private final SimConfig config;
  private final LongFunction<? extends S> stateMachines;
  private final SplittableRandom random;
  private final SimClock clock;
  private final Trace trace;
  private final SimNetwork network;
  private final MemberObserver checker;
  private final Map<Long, SimMember<S>> members = new LinkedHashMap<>();
  private final long clusterId;
  private long lastRequestId;
  /** Members started so far, each named by its position in that order. */
  private int named;
  /** The last membership change entry a member applied (the bootstrap's count as applied). */
  private long lastConfChange;
  /** Inside {@link #batchProposals}. */
  private boolean batching;

  private SimCluster(long seed, SimConfig config, LongFunction<? extends S> stateMachines) {
    this.seed = seed;
    this.config = Objects.requireNonNull(config, "config");
    this.stateMachines = Objects.requireNonNull(stateMachines, "stateMachines");
    this.random = new SplittableRandom(seed);
    this.clock = new SimClock(config.clockMode());
    this.trace = new Trace(clock, config.traceCapacity());
    // A forwarded proposal delivered twice would be committed twice: etcd's TCP transport never
    // does that, while repeated replication traffic is what Raft is built to absorb.
    this.network = new SimNetwork(clock, random.split(), trace,
        message -> message instanceof Message m && m.type() != MessageType.MSG_PROP);
    this.checker = config.checkInvariants() ? new SafetyChecker(seed) : MemberObserver.NONE;
    this.clusterId = newId();
  }

  /**
   * Starts a cluster of {@code config.members()} voters; {@code stateMachines} makes each member's
   * state machine from its id (again at every restart).
   */
  public static <S extends StateMachine> SimCluster<S> start(long seed, SimConfig config,
      LongFunction<? extends S> stateMachines) {
    return start(seed, config, stateMachines, null);
  }

  /**
   * Starts a cluster as {@link #start(long, SimConfig, LongFunction)} does, but every member's
   * state machine begins with {@code state} applied to the bootstrap voters' ids, in member order
   * (bytes its {@link StateMachine#restore} accepts), as the members of a cluster restored from a
   * snapshot do; {@code null} starts empty.
   */
  public static <S extends StateMachine> SimCluster<S> start(long seed, SimConfig config,
      LongFunction<? extends S> stateMachines, Function<List<Long>, byte[]> state) {
    SimCluster<S> cluster = new SimCluster<>(seed, config, stateMachines);
    List<Long> voters = new ArrayList<>();
    for (int i = 0; i < config.members(); i++) {
      long id = cluster.addMember().id();
      cluster.nameOnFirstStart(id);
      voters.add(id);
    }
    cluster.lastConfChange = voters.size();
    cluster.trace.record(Trace.Type.MEMBERSHIP, 0,
        (state == null ? "bootstrap " : "bootstrap from a snapshot ")
            + cluster.trace.members(voters));
    byte[] initial = state == null ? null : state.apply(List.copyOf(voters));
    for (SimMember<S> m : cluster.members.values()) {
      if (initial == null) {
        m.bootstrap(voters);
      } else {
        m.bootstrap(voters, initial);
      }
    }
    cluster.clock.runUntilIdle();
    return cluster;
  }

  private SimMember<S> addMember() {
    return addMember(newId());
  }

  private SimMember<S> addMember(long id) {
    SimMember<S> member = new SimMember<>(id, this);
    members.put(id, member);
    network.attach(id, new SimNetwork.Receiver() {
      @Override
      public boolean isUp() {
        return member.isUp();
      }

      @Override
      public void receive(long from, Object message) {
        member.receive(from, message);
      }

      @Override
      public void undelivered(long to, Object message) {
        member.undelivered(to, message);
      }
    });
    return member;
  }

  /** The name of the {@code index}th member started (from 0), as etcd's {@code --name}. */
  public static String memberName(int index) {
    return "member-" + index;
  }

  /** Names member {@code id} in the trace when it starts for the first time. */
  void nameOnFirstStart(long id) {
    if (!trace.isNamed(id)) {
      trace.name(id, memberName(named++));
    }
  }

  /** A fresh positive id, not yet used by this cluster, as etcd draws random member ids. */
  private long newId() {
    long id;
    do {
      id = random.nextLong(1, Long.MAX_VALUE);
    } while (id == clusterId || lowBitsTaken(id));
    return id;
  }

  /** Request ids start with a member's low 16 id bits, as etcd's do; members must differ there. */
  private boolean lowBitsTaken(long id) {
    return members.keySet().stream().anyMatch(other -> (other & 0xFFFF) == (id & 0xFFFF));
  }

  public long seed() {
    return seed;
  }

  public long clusterId() {
    return clusterId;
  }

  public SimConfig config() {
    return config;
  }

  public SimClock clock() {
    return clock;
  }

  public SimNetwork network() {
    return network;
  }

  public Trace trace() {
    return trace;
  }

  /**
   * Runs {@code section} (under the clock's monitor) so that the data proposals made in it reach
   * each member's Raft together, in one step that the clock runs next (so in one Ready and one
   * append per follower), as etcd's raft node takes every proposal waiting on its channel at once.
   * A section alone has its proposals taken at once, as {@link SimMember#propose} says.
   */
  public void batchProposals(Runnable section) {
    if (batching) {
      section.run();
      return;
    }
    batching = true;
    try {
      section.run();
    } finally {
      batching = false;
    }
  }

  boolean batching() {
    return batching;
  }

  /**
   * Every member ever started, in the order they were added, including crashed and removed ones.
   */
  public List<SimMember<S>> members() {
    return List.copyOf(members.values());
  }

  public SimMember<S> member(long id) {
    SimMember<S> m = members.get(id);
    if (m == null) {
      throw new IllegalArgumentException("unknown member id: " + id);
    }
    return m;
  }

  /** The running, unpaused member that believes it leads, in the highest term if several do. */
  public Optional<SimMember<S>> leader() {
    SimMember<S> best = null;
    long bestTerm = -1;
    for (SimMember<S> m : members.values()) {
      if (m.isUp() && !m.isPaused() && m.role() == Role.LEADER && m.term() > bestTerm) {
        best = m;
        bestTerm = m.term();
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Advances virtual time, a heartbeat at a time, until a leader exists, for at most {@code max}.
   *
   * @throws IllegalStateException if there is still no leader, listing every member's state
   */
  public SimMember<S> awaitLeader(Duration max) {
    long limit = Math.addExact(clock.nanos(), SimClock.nonNegativeNanos(max, "max"));
    clock.runUntilIdle();
    Optional<SimMember<S>> leader;
    while ((leader = leader()).isEmpty() && clock.nanos() < limit) {
      clock.advance(
          Duration.ofNanos(Math.min(config.heartbeat().toNanos(), limit - clock.nanos())));
    }
    return leader.orElseThrow(() -> new IllegalStateException(
        "no leader after " + max + " (seed " + seed + "): " + describeMembers()));
  }

  /** Starts a new member with an empty disk and adds it as a voter; completes with its id. */
  CompletableFuture<Long> addVoter() {
    return join(ConfChange::addNode);
  }

  /** Starts a new member with an empty disk and adds it as a learner; completes with its id. */
  CompletableFuture<Long> addLearner() {
    return join(ConfChange::addLearner);
  }

  private CompletableFuture<Long> join(LongFunction<ConfChange> change) {
    SimMember<S> member = addMember();
    nameOnFirstStart(member.id());
    trace.record(Trace.Type.MEMBERSHIP, member.id(), "start empty");
    member.join();
    return throughLeader(m -> m.proposeConfChange(change.apply(member.id())))
        .thenApply(index -> member.id());
  }

  /**
   * Whether a member added under {@code id} (chosen by the caller, as etcd derives it from the
   * peer URLs) can join this simulation: not zero, not in use, and its low 16 bits free.
   */
  public boolean idUsable(long id) {
    return id != 0 && id != clusterId && !members.containsKey(id) && !lowBitsTaken(id);
  }

  /** Makes learner {@code id} a voter through the current leader; completes with its index. */
  CompletableFuture<Long> promote(long id) {
    member(id);
    return throughLeader(m -> m.proposeConfChange(ConfChange.addNode(id)));
  }

  /** Removes member {@code id} through the current leader; completes with the change's index. */
  CompletableFuture<Long> remove(long id) {
    member(id);
    return throughLeader(m -> m.proposeConfChange(ConfChange.removeNode(id)));
  }

  /** Asks the current leader to hand leadership to {@code transferee}. */
  public void transferLeadership(long transferee) {
    member(transferee);
    SimMember<S> leader = leader().orElseThrow(
        () -> new IllegalStateException("no leader to transfer from (seed " + seed + ")"));
    trace.record(Trace.Type.FAULT, leader.id(), "transfer leadership to "
        + trace.member(transferee));
    leader.transferLeadership(transferee);
    clock.runUntilIdle();
  }

  private CompletableFuture<Long> throughLeader(
      Function<SimMember<S>, CompletableFuture<Long>> action) {
    CompletableFuture<Long> result = leader().map(action).orElseGet(
        () -> CompletableFuture.failedFuture(new ProposalDroppedException("no leader")));
    clock.runUntilIdle();
    return result;
  }

  /**
   * A member applied {@code change}: the first to add a member this simulation does not know
   * registers it, down with an empty disk, as etcd's MemberAdd leaves it until
   * {@link SimMember#restart()} starts it and it joins.
   */
  void confChangeApplied(ConfChange change) {
    boolean adds = change.type() == ConfChangeType.ADD_NODE
        || change.type() == ConfChangeType.ADD_LEARNER_NODE;
    if (adds && idUsable(change.nodeId())) {
      addMember(change.nodeId());
      trace.record(Trace.Type.MEMBERSHIP, change.nodeId(), "added, not started");
    }
  }

  /**
   * Whether the membership change at {@code index} is applied for the first time in the cluster
   * (the trace shows it as a membership change then, and as an apply on the other members).
   */
  boolean firstToApply(long index) {
    if (index <= lastConfChange) {
      return false;
    }
    lastConfChange = index;
    return true;
  }

  /** A request id no proposal of this cluster has had. */
  long nextRequestId() {
    return ++lastRequestId;
  }

  /** One line per member, for failure messages. */
  public String describeMembers() {
    StringBuilder sb = new StringBuilder();
    for (SimMember<S> m : members.values()) {
      sb.append("\n  ").append(m);
    }
    return sb.toString();
  }

  SplittableRandom random() {
    return random;
  }

  S newStateMachine(long id) {
    return Objects.requireNonNull(stateMachines.apply(id), "state machine factory returned null");
  }

  MemberObserver checker() {
    return checker;
  }

  /** A random phase for a member's first tick, so members do not all tick at the same instant. */
  Duration randomTickPhase() {
    return Duration.ofNanos(1 + random.nextLong(config.heartbeat().toNanos()));
  }
}
