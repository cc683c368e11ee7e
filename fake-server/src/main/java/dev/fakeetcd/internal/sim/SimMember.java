package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfChangeType;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.EntryType;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.MemoryRaftStorage;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.ProposalDroppedException;
import dev.fakeetcd.internal.raft.RaftConfig;
import dev.fakeetcd.internal.raft.RaftNode;
import dev.fakeetcd.internal.raft.RaftStatus;
import dev.fakeetcd.internal.raft.ReadState;
import dev.fakeetcd.internal.raft.Ready;
import dev.fakeetcd.internal.raft.Role;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import dev.fakeetcd.internal.raft.SoftState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * One simulated member: a {@link RaftNode}, its durable storage (kept across {@link #crash()} and
 * {@link #restart()}), and its volatile state machine (rebuilt on restart from the durable snapshot
 * and the replay of committed entries). Ticks every heartbeat of virtual time while up and not
 * paused. Futures it returns are completed by the simulation, in an event of their own, so their
 * callbacks never run inside Raft processing.
 */
public final class SimMember<S extends StateMachine> {

  private enum State { UP, PAUSED, CRASHED, REMOVED }

  private record PendingRead<S, T>(Function<? super S, T> query, LongConsumer indexKnown,
      CompletableFuture<T> future) {
  }

  /** Data, or a membership change ({@code change} non-null), waiting to be handed to Raft. */
  private record HeldProposal(byte[] data, ConfChange change, CompletableFuture<?> handed) {
  }

  private final long id;
  private final SimCluster<S> cluster;
  private final MemoryRaftStorage storage = new MemoryRaftStorage();
  private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
  private final TreeMap<Long, PendingRead<S, ?>> readsByContext = new TreeMap<>();
  /**
   * Reads whose index is known, waiting for apply to reach it: read index to reads, in request
   * order.
   */
  private final TreeMap<Long, List<PendingRead<S, ?>>> readsByIndex = new TreeMap<>();
  /** Proposals waiting for this member to know a leader, oldest first. */
  private final ArrayDeque<HeldProposal> held = new ArrayDeque<>();
  /** Proposals of a {@link SimCluster#batchProposals} section wait in {@link #held} for a step. */
  private boolean handingBatch;
  /** Membership changes proposed here, by request id, waiting for this member to apply them. */
  private final TreeMap<Long, CompletableFuture<Long>> confChanges = new TreeMap<>();
  private State state = State.CRASHED;
  private RaftNode node;
  private S stateMachine;
  private SimClock.Timer tickTimer;
  private long applied;
  private long nextReadContext;
  /** The leader (or 0) of this member's last soft state, as etcd's server tracks it. */
  private long knownLeader;
  private boolean processing;

  SimMember(long id, SimCluster<S> cluster) {
    this.id = id;
    this.cluster = cluster;
  }

  /** Starts a member of the initial configuration. */
  void bootstrap(Collection<Long> voters) {
    node = RaftNode.bootstrap(raftConfig(), storage, cluster.random().split(), voters);
    startVolatile();
  }

  /**
   * Starts a member of the initial configuration whose state machine begins with {@code state}, as
   * etcd's {@code snapshot restore} writes a data dir: the configuration's entries (indexes
   * 1..n, term 1) lie committed behind a snapshot of the restored state at index n.
   */
  void bootstrap(Collection<Long> voters, byte[] state) {
    long last = voters.size();
    storage.applySnapshot(new Snapshot(last, 1, ConfState.ofVoters(voters), state));
    storage.setHardState(new HardState(1, 0, last));
    node = RaftNode.start(raftConfig(), storage, cluster.random().split());
    startVolatile();
  }

  /** Starts a member that joins an existing cluster with an empty disk. */
  void join() {
    node = RaftNode.start(raftConfig(), storage, cluster.random().split());
    startVolatile();
  }

  private RaftConfig raftConfig() {
    SimConfig c = cluster.config();
    return RaftConfig.of(id).withElectionTicks(c.electionTicks()).withHeartbeatTicks(1)
        .withPreVote(c.preVote()).withCheckQuorum(c.checkQuorum());
  }

  private void startVolatile() {
    stateMachine = cluster.newStateMachine(id);
    Snapshot snapshot = storage.snapshot();
    applied = snapshot.index();
    if (!snapshot.isEmpty()) {
      stateMachine.restore(snapshot.index(), snapshot.term(), snapshot.data());
    }
    cluster.checker().restarted(this, applied);
    cluster.network().restarted(id);
    knownLeader = 0;
    state = State.UP;
    scheduleTick(cluster.randomTickPhase());
    process();
  }

  public long id() {
    return id;
  }

  /** This member as traces and failure messages name it. */
  private String label() {
    return cluster.trace().member(id);
  }

  /** Whether the member is running (it may be paused). */
  public boolean isUp() {
    return state == State.UP || state == State.PAUSED;
  }

  public boolean isPaused() {
    return state == State.PAUSED;
  }

  /** Whether the member has applied its own removal from the cluster and stopped for good. */
  boolean isRemoved() {
    return state == State.REMOVED;
  }

  public Role role() {
    requireUp("role");
    return node.role();
  }

  public long term() {
    requireUp("term");
    return node.term();
  }

  /** The leader this member knows of in its term, or 0. */
  public long leaderId() {
    requireUp("leaderId");
    return node.leaderId();
  }

  /** The Raft node's view of itself. */
  public RaftStatus status() {
    requireUp("status");
    return node.status();
  }

  /** Index of the last entry applied to the state machine (or of the snapshot restored). */
  public long appliedIndex() {
    requireUp("appliedIndex");
    return applied;
  }

  /** The state machine; valid until the member crashes. */
  public S stateMachine() {
    requireUp("stateMachine");
    return stateMachine;
  }

  /**
   * Stops the process at once: Raft's volatile state and the state machine are lost, the disk
   * stays. Pending proposals and reads fail.
   */
  public void crash() {
    requireUp("crash");
    stop(State.CRASHED, "crash");
  }

  /** Starts a crashed member again from what its disk holds. */
  public void restart() {
    if (state != State.CRASHED) {
      throw new IllegalStateException(label() + " is not crashed: " + state);
    }
    cluster.nameOnFirstStart(id);
    cluster.trace().record(Trace.Type.FAULT, id, "restart");
    node = RaftNode.start(raftConfig(), storage, cluster.random().split());
    startVolatile();
  }

  /**
   * Freezes the process: no ticks, no processing; whatever arrives meanwhile waits, nothing is
   * lost.
   */
  public void pause() {
    if (state != State.UP) {
      throw new IllegalStateException(label() + " cannot pause: " + state);
    }
    state = State.PAUSED;
    tickTimer.cancel();
    cluster.trace().record(Trace.Type.FAULT, id, "pause");
  }

  /** Lets a paused member run on, first handling everything that arrived while it was paused. */
  public void resume() {
    if (state != State.PAUSED) {
      throw new IllegalStateException(label() + " is not paused: " + state);
    }
    state = State.UP;
    cluster.trace().record(Trace.Type.FAULT, id, "resume");
    scheduleTick(cluster.config().heartbeat());
    process();
  }

  /**
   * Runs {@code action} as part of this member's own work: now (after any Raft processing under
   * way), or, while paused, once it resumes; never if the member is down or goes down first.
   */
  public void perform(Runnable action) {
    if (isUp()) {
      input(action);
    }
  }

  /**
   * Proposes {@code data}, the one way data enters the log (for the etcd server and tests alike):
   * as etcd's server does, proposed here when this member leads, forwarded to the leader over the
   * simulated network (MSG_PROP) when it knows one; while it knows none the proposal waits (etcd's
   * raft node does not take proposals then), oldest first. The returned future completes once Raft
   * has taken the proposal, or fails if Raft drops it ({@link ProposalDroppedException}: a
   * leadership transfer is in progress) or the member stops; cancelling it withdraws a proposal
   * still waiting. Whether the entry commits the caller learns from the applied log only.
   */
  public CompletableFuture<Void> propose(byte[] data) {
    CompletableFuture<Void> handed = new CompletableFuture<>();
    if (!isUp()) {
      handed.completeExceptionally(new IllegalStateException(label() + " is down"));
      return handed;
    }
    HeldProposal proposal = new HeldProposal(data.clone(), null, handed);
    if (cluster.batching()) {
      held.addLast(proposal);
      if (!handingBatch) {
        handingBatch = true;
        cluster.clock().schedule(Duration.ZERO, () -> {
          handingBatch = false;
          if (isUp()) {
            input(this::handHeldProposals);
          }
        });
      }
      return handed;
    }
    input(() -> {
      held.addLast(proposal);
      handHeldProposals();
    });
    return handed;
  }

  private void handHeldProposals() {
    while (!held.isEmpty() && node.leaderId() != 0) {
      HeldProposal p = held.removeFirst();
      if (p.handed().isDone()) {
        continue;
      }
      if (p.change() != null) {
        try {
          node.proposeConfChangeOrForward(p.change());
        } catch (ProposalDroppedException e) {
          dropped(p, e);
        }
        continue;
      }
      // Data proposals waiting together go to Raft together: one append, one message per peer.
      List<HeldProposal> batch = new ArrayList<>();
      batch.add(p);
      while (!held.isEmpty() && held.peekFirst().change() == null) {
        HeldProposal next = held.removeFirst();
        if (!next.handed().isDone()) {
          batch.add(next);
        }
      }
      try {
        node.proposeOrForward(batch.stream().map(HeldProposal::data).toList());
        for (HeldProposal b : batch) {
          completeLater(b.handed(), null, null);
        }
      } catch (ProposalDroppedException e) {
        for (HeldProposal b : batch) {
          dropped(b, e);
        }
      }
    }
  }

  private void dropped(HeldProposal p, ProposalDroppedException e) {
    cluster.trace().record(Trace.Type.CLIENT, id, "proposal dropped: " + e.getMessage());
    completeLater(p.handed(), null, e);
  }

  /**
   * Proposes a membership change on this member, as etcd's server configures: handed to Raft as
   * {@link #propose} hands data (forwarded to the leader, held while no leader is known), and the
   * future completes with the entry's index once this member itself has applied it (whether or
   * not the state machine admitted it). It fails if this member's leader refuses it at once
   * ({@link ProposalDroppedException}) or the member stops; a change lost on the way, refused by a
   * remote leader, or applied here only through a snapshot leaves it pending, as etcd's wait does,
   * until the caller completes or cancels it (which withdraws it).
   */
  public CompletableFuture<Long> proposeConfChange(ConfChange change) {
    CompletableFuture<Long> applied = new CompletableFuture<>();
    if (!isUp()) {
      applied.completeExceptionally(new IllegalStateException(label() + " is down"));
      return applied;
    }
    long requestId = cluster.nextRequestId();
    HeldProposal proposal = new HeldProposal(null, change.withId(requestId), applied);
    confChanges.put(requestId, applied);
    applied.whenComplete((index, failure) -> confChanges.remove(requestId, applied));
    input(() -> {
      held.addLast(proposal);
      handHeldProposals();
    });
    return applied;
  }

  /**
   * A linearizable read: asks Raft for a read index (through the leader) and, once this member has
   * applied up to it, runs {@code query} against the state machine. Without a leader Raft drops the
   * request, as etcd's does: the future stays pending until {@link #resendReads()} gets an answer
   * or the caller completes or cancels it (which forgets the read); it fails if the member stops.
   */
  public <T> CompletableFuture<T> read(Function<? super S, T> query) {
    return read(query, index -> { });
  }

  /**
   * As {@link #read(Function)}; {@code indexKnown} hears the read index, in an event of its own.
   */
  public <T> CompletableFuture<T> read(Function<? super S, T> query, LongConsumer indexKnown) {
    CompletableFuture<T> future = new CompletableFuture<>();
    if (!isUp()) {
      future.completeExceptionally(new IllegalStateException(label() + " is down"));
      return future;
    }
    long context = nextReadContext++;
    PendingRead<S, T> read = new PendingRead<>(query, indexKnown, future);
    future.whenComplete((value, failure) -> forget(context, read));
    input(() -> {
      if (!future.isDone()) {
        readsByContext.put(context, read);
        node.readIndex(readContext(context));
      }
    });
    return future;
  }

  /**
   * Asks Raft again for the index of every read still waiting for one (etcd retries every 500 ms).
   */
  public void resendReads() {
    if (isUp()) {
      input(() -> {
        for (long context : readsByContext.keySet()) {
          node.readIndex(readContext(context));
        }
      });
    }
  }

  private static byte[] readContext(long context) {
    return ByteBuffer.allocate(Long.BYTES).putLong(context).array();
  }

  private void forget(long context, PendingRead<S, ?> read) {
    readsByContext.remove(context);
    for (List<PendingRead<S, ?>> reads : readsByIndex.values()) {
      reads.remove(read);
    }
  }

  /**
   * Asks this member's Raft node to hand leadership to {@code transferee}: handled here when it
   * leads, forwarded to its leader otherwise (etcd's {@code raftNode.TransferLeadership}).
   */
  public void transferLeadership(long transferee) {
    input(() -> node.transferLeadership(transferee));
  }

  /** Sends {@code message} to member {@code to} over the simulated network; nothing if down. */
  public void sendPeer(long to, PeerMessage message) {
    if (isUp()) {
      cluster.network().send(id, to, message);
    }
  }

  /** From the network, while up: a message for this member. */
  void receive(long from, Object message) {
    if (message instanceof PeerMessage peer) {
      input(peer::arrived);
      return;
    }
    Message m = (Message) message;
    if (m.type() == MessageType.MSG_SNAP) {
      // etcd's transport tells the sender when a snapshot transfer completes; without it a lost
      // reply would leave the leader waiting on this snapshot for ever.
      SimMember<S> sender = cluster.member(from);
      cluster.clock().schedule(Duration.ZERO, () -> sender.snapshotDelivered(id));
    }
    input(() -> node.step(m));
  }

  private void snapshotDelivered(long to) {
    if (isUp()) {
      input(() -> node.reportSnapshot(to, true));
    }
  }

  /** From the network: a message this member sent was lost; etcd's transport reports the same. */
  void undelivered(long to, Object message) {
    if (message instanceof PeerMessage peer) {
      peer.lost();
      return;
    }
    if (!isUp()) {
      return;
    }
    input(() -> {
      node.reportUnreachable(to);
      if (((Message) message).type() == MessageType.MSG_SNAP) {
        node.reportSnapshot(to, false);
      }
    });
  }

  private void scheduleTick(Duration delay) {
    tickTimer = cluster.clock().schedule(delay, this::tick);
  }

  private void tick() {
    scheduleTick(cluster.config().heartbeat());
    input(node::tick);
  }

  /** Runs one input now, or later if paused or already inside Raft processing. */
  private void input(Runnable action) {
    inbox.addLast(action);
    process();
  }

  private void process() {
    if (processing || state != State.UP) {
      return;
    }
    processing = true;
    try {
      while (state == State.UP) {
        if (node.hasReady()) {
          handle(node.ready());
        } else if (!inbox.isEmpty()) {
          inbox.removeFirst().run();
        } else if (!held.isEmpty() && node.leaderId() != 0) {
          handHeldProposals();
        } else {
          break;
        }
      }
    } finally {
      processing = false;
    }
  }

  private void handle(Ready ready) {
    Trace trace = cluster.trace();
    long oldTerm = storage.hardState().term();
    long oldCommit = storage.hardState().commit();
    storage.persist(ready);
    if (ready.hardState() != null) {
      if (ready.hardState().term() != oldTerm) {
        trace.record(Trace.Type.TERM, id, "term " + ready.hardState().term());
      }
      if (ready.hardState().commit() > oldCommit) {
        trace.record(Trace.Type.COMMIT, id, "commit " + ready.hardState().commit());
      }
    }
    SoftState soft = ready.softState();
    if (soft != null) {
      traceSoftState(trace, soft);
      boolean newLeader = soft.leaderId() != 0 && soft.leaderId() != knownLeader;
      knownLeader = soft.leaderId();
      if (newLeader) {
        stateMachine.leaderChanged(knownLeader, node.term());
      }
    }
    cluster.checker().persisted(this, storage, ready, node.term());
    for (Message m : ready.messages()) {
      cluster.network().send(id, m.to(), m);
    }
    if (ready.snapshot() != null) {
      Snapshot s = ready.snapshot();
      stateMachine.restore(s.index(), s.term(), s.data());
      applied = s.index();
      trace.record(Trace.Type.SNAPSHOT, id, "restore " + s.term() + "/" + s.index());
      cluster.checker().restored(this, s);
    }
    boolean removedSelf = false;
    for (Entry e : ready.committedEntries()) {
      removedSelf |= apply(e);
    }
    node.advance(ready);
    for (ReadState rs : ready.readStates()) {
      long context = ByteBuffer.wrap(rs.requestCtx()).getLong();
      PendingRead<S, ?> read = readsByContext.remove(context);
      if (read != null) {
        readsByIndex.computeIfAbsent(rs.index(), i -> new ArrayList<>()).add(read);
        long index = rs.index();
        cluster.clock().schedule(Duration.ZERO, () -> read.indexKnown().accept(index));
      }
    }
    serveReads();
    maybeSnapshot();
    if (removedSelf) {
      stop(State.REMOVED, "removed");
    }
  }

  private void traceSoftState(Trace trace, SoftState soft) {
    if (soft.role() == Role.PRE_CANDIDATE || soft.role() == Role.CANDIDATE) {
      trace.record(Trace.Type.ELECTION, id, soft.role() + " term " + node.term());
    } else {
      trace.record(Trace.Type.LEADER, id,
          soft.role() + (soft.leaderId() == 0 ? " no leader" : " leader "
              + trace.member(soft.leaderId())) + " term " + node.term());
    }
  }

  /** Applies one committed entry; returns whether it removed this member. */
  private boolean apply(Entry e) {
    if (e.index() <= applied) {
      return false;
    }
    if (e.index() != applied + 1) {
      throw new IllegalStateException(
          label() + " asked to apply " + e.index() + " after " + applied);
    }
    boolean removedSelf = false;
    byte[] data = e.data();
    if (e.type() == EntryType.CONF_CHANGE) {
      ConfChange change = ConfChange.decode(data);
      boolean admitted = stateMachine.admitConfChange(e.index(), change);
      ConfState conf = admitted ? node.applyConfChange(change) : node.confState();
      if (admitted) {
        cluster.confChangeApplied(change);
      }
      stateMachine.applyConfChange(e.index(), e.term(), change, conf);
      Trace trace = cluster.trace();
      trace.record(cluster.firstToApply(e.index()) ? Trace.Type.MEMBERSHIP : Trace.Type.APPLY, id,
          e.term() + "/" + e.index() + " " + change.type() + " "
          + trace.member(change.nodeId()) + (admitted ? "" : " refused") + " -> voters "
          + trace.members(conf.voters()) + " learners " + trace.members(conf.learners()));
      removedSelf = admitted && change.type() == ConfChangeType.REMOVE_NODE
          && change.nodeId() == id;
      CompletableFuture<Long> waiter = confChanges.remove(change.id());
      if (waiter != null) {
        completeLater(waiter, e.index(), null);
      }
    } else {
      stateMachine.apply(e.index(), e.term(), data);
      cluster.trace().record(Trace.Type.APPLY, id, e.term() + "/" + e.index() + " "
          + data.length + "B");
    }
    applied = e.index();
    cluster.checker().applied(this, e);
    return removedSelf;
  }

  private void serveReads() {
    Iterator<Map.Entry<Long, List<PendingRead<S, ?>>>> it =
        readsByIndex.headMap(applied, true).entrySet().iterator();
    while (it.hasNext()) {
      for (PendingRead<S, ?> read : it.next().getValue()) {
        serve(read);
      }
      it.remove();
    }
  }

  /** Runs the query now, at the applied index, and completes its future in an event of its own. */
  private <T> void serve(PendingRead<S, T> read) {
    if (!read.future().isDone()) {
      completeLater(read.future(), read.query().apply(stateMachine), null);
    }
  }

  private void maybeSnapshot() {
    Snapshot last = storage.snapshot();
    if (applied - last.index() < cluster.config().snapshotEntries()) {
      return;
    }
    Snapshot s = storage.createSnapshot(applied, node.confState(), stateMachine.snapshot());
    storage.compact(applied);
    cluster.trace().record(Trace.Type.SNAPSHOT, id, "create " + s.term() + "/" + s.index());
  }

  private void stop(State newState, String why) {
    state = newState;
    tickTimer.cancel();
    node = null;
    stateMachine = null;
    inbox.clear();
    cluster.trace().record(Trace.Type.FAULT, id, why);
    IllegalStateException down = new IllegalStateException(label() + " " + why);
    for (PendingRead<S, ?> r : readsByContext.values()) {
      completeLater(r.future(), null, down);
    }
    readsByContext.clear();
    for (List<PendingRead<S, ?>> rs : readsByIndex.values()) {
      for (PendingRead<S, ?> r : rs) {
        completeLater(r.future(), null, down);
      }
    }
    readsByIndex.clear();
    for (HeldProposal p : held) {
      completeLater(p.handed(), null, down);
    }
    held.clear();
    for (CompletableFuture<Long> waiter : confChanges.values()) {
      completeLater(waiter, null, down);
    }
    confChanges.clear();
  }

  private <T> void completeLater(CompletableFuture<T> future, T value, Throwable failure) {
    cluster.clock().schedule(Duration.ZERO, () -> {
      if (failure == null) {
        future.complete(value);
      } else {
        future.completeExceptionally(failure);
      }
    });
  }

  private void requireUp(String what) {
    if (!isUp()) {
      throw new IllegalStateException(what + ": member " + id + " is " + state);
    }
  }

  /** The durable log, for invariant checks and tests in this package. */
  MemoryRaftStorage storage() {
    return storage;
  }

  @Override
  public String toString() {
    Trace trace = cluster.trace();
    if (!isUp()) {
      return label() + " " + state;
    }
    RaftStatus s = node.status();
    return label() + " " + state + " " + s.role() + " term " + s.term() + " leader "
        + trace.member(s.leaderId()) + " commit " + s.commit() + " applied " + applied + " last "
        + storage.lastIndex() + " conf " + trace.members(s.confState().voters()) + "/"
        + trace.members(s.confState().learners());
  }
}
