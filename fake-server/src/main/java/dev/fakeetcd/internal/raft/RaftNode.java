package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.EntryType;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import dev.fakeetcd.internal.raft.tracker.PeerProgress;
import dev.fakeetcd.internal.raft.tracker.Progress;
import dev.fakeetcd.internal.raft.tracker.ProgressState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * One Raft participant as a pure, deterministic state machine, behaving like etcd's raft library
 * (RawNode). It holds no threads, reads no clock and does no I/O: time advances only through
 * {@link #tick()}, randomness (election timeouts) comes only from the generator given at
 * construction, and all output is collected in a {@link Ready}. Not thread-safe.
 *
 * <p>Host loop: feed inputs ({@code tick}, {@code step}, {@code propose}, ...), then while {@link
 * #hasReady()}: take {@link #ready()}, handle it as its Javadoc says, call {@link #advance(Ready)}.
 */
public final class RaftNode {

  /**
   * Marks the votes of a campaign triggered by MSG_TIMEOUT_NOW, which override the leader lease.
   */
  private static final byte[] TRANSFER_CONTEXT =
      "CampaignTransfer".getBytes(StandardCharsets.US_ASCII);

  private enum VoteResult { PENDING, WON, LOST }

  private final long id;
  private final RaftConfig config;
  private final RandomGenerator random;
  private final RaftLog log;

  private long term;
  private long vote;
  private long lead;
  private Role role = Role.FOLLOWER;

  private final TreeSet<Long> voters = new TreeSet<>();
  private final TreeSet<Long> learners = new TreeSet<>();
  /**
   * Progress of every member (voters and learners), maintained in every role, meaningful for the
   * leader.
   */
  private final TreeMap<Long, Progress> progress = new TreeMap<>();
  private final ConfChanger confChanger;
  private final TreeMap<Long, Boolean> votes = new TreeMap<>();

  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedElectionTimeout;
  private long leadTransferee;
  /** Index of the latest conf change this leader appended; a new one waits until it is applied. */
  private long pendingConfIndex;

  private final ReadOnly readOnly = new ReadOnly();

  private final List<Message> messages = new ArrayList<>();
  private final List<ReadState> readStates = new ArrayList<>();
  private SoftState prevSoftState;
  private HardState prevHardState;

  private RaftNode(RaftConfig config, RaftStorage storage, RandomGenerator random) {
    this.id = config.id();
    this.config = config;
    this.random = random;
    this.log = new RaftLog(storage);
    this.confChanger = new ConfChanger(voters, learners, progress, log::lastIndex,
        config.maxInflightMsgs());
    HardState hs = storage.hardState();
    Snapshot snap = storage.snapshot();
    confChanger.restore(snap.confState());
    long applied = config.applied() > 0 ? config.applied() : snap.index();
    log.recover(Math.max(hs.commit(), snap.index()), applied);
    term = hs.term();
    vote = hs.vote();
    becomeFollower(term, 0);
    prevSoftState = softState();
    prevHardState = hs;
  }

  /**
   * Starts a member of a brand-new cluster. As in etcd, the initial configuration is written as
   * {@link EntryType#CONF_CHANGE} entries (ADD_NODE per voter in ascending id order, term 1,
   * indexes 1..n, committed), so the host applies them like any later change and members that join
   * later replay them. Every initial member must be bootstrapped with the same voters.
   *
   * @param storage empty storage (nothing persisted yet)
   * @throws IllegalArgumentException if the storage is not empty or {@code voters} is empty
   */
  public static RaftNode bootstrap(RaftConfig config, RaftStorage storage, RandomGenerator random,
        Collection<Long> voters) {
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("a new cluster needs at least one voter");
    }
    if (storage.lastIndex() != 0 || !storage.hardState().isEmpty()) {
      throw new IllegalArgumentException("bootstrap needs empty storage; use start() to restart");
    }
    RaftNode node = new RaftNode(config, storage, random);
    node.becomeFollower(1, 0);
    List<Entry> entries = new ArrayList<>();
    long index = 1;
    for (long voter : new TreeSet<>(voters)) {
      entries.add(new Entry(1, index++, EntryType.CONF_CHANGE, ConfChange.addNode(voter).encode()));
    }
    node.log.append(entries);
    node.log.commitTo(entries.size());
    // Known at once (the host re-applies these entries, which changes nothing), so the first
    // election can happen before the host has applied anything.
    for (long voter : new TreeSet<>(voters)) {
      node.applyConfChange(ConfChange.addNode(voter));
    }
    return node;
  }

  /**
   * Starts from what {@code storage} holds: a restart after a crash (term, vote, commit and log
   * survive; the configuration is the snapshot's, and committed entries after {@link
   * RaftConfig#applied()} are handed out again for the host to re-apply, including conf changes),
   * or a member added to an existing cluster (empty storage: it waits to hear from the leader).
   */
  public static RaftNode start(RaftConfig config, RaftStorage storage, RandomGenerator random) {
    return new RaftNode(config, storage, random);
  }

  // ------------------------------------------------------------------ inputs

  /**
   * Advances logical time by one tick: election timeout for followers/candidates, heartbeats and
   * check-quorum for the leader.
   */
  public void tick() {
    if (role == Role.LEADER) {
      tickHeartbeat();
    } else {
      tickElection();
    }
  }

  private void tickElection() {
    electionElapsed++;
    if (promotable() && electionElapsed >= randomizedElectionTimeout) {
      electionElapsed = 0;
      hup(false);
    }
  }

  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTicks()) {
      electionElapsed = 0;
      expireOverdueSnapshots();
      if (config.checkQuorum()) {
        checkQuorum();
      }
      if (role == Role.LEADER && leadTransferee != 0) {
        abortLeaderTransfer(); // the transferee did not take over within an election timeout
      }
    }
    if (role != Role.LEADER) {
      return;
    }
    if (heartbeatElapsed >= config.heartbeatTicks()) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
    }
  }

  /**
   * A snapshot still unacknowledged after a whole election timeout (1-2 timeouts after sending) is
   * taken as lost, as if the host had called {@code reportSnapshot(peer, false)}. etcd relies on
   * its transport always reporting; this keeps a peer from staying paused forever when no one does.
   */
  private void expireOverdueSnapshots() {
    for (Map.Entry<Long, Progress> e : progress.entrySet()) {
      Progress pr = e.getValue();
      if (pr.state != ProgressState.SNAPSHOT) {
        continue;
      }
      if (pr.snapshotOverdue) {
        reportSnapshot(e.getKey(), false);
      } else {
        pr.snapshotOverdue = true;
      }
    }
  }

  private void checkQuorum() {
    int active = 0;
    for (long v : voters) {
      Progress pr = progress.get(v);
      if (v == id || pr.recentActive) {
        active++;
      }
    }
    for (Map.Entry<Long, Progress> e : progress.entrySet()) {
      if (e.getKey() != id) {
        e.getValue().recentActive = false;
      }
    }
    if (active < quorum()) {
      becomeFollower(term, 0);
    }
  }

  /**
   * Delivers a message from the network.
   *
   * @throws IllegalArgumentException if the message is addressed to another node
   */
  public void step(Message m) {
    if (m.to() != id) {
      throw new IllegalArgumentException(
          "message for " + m.to() + " delivered to " + id + ": " + m);
    }
    if (m.term() > term) {
      if (m.type() == MessageType.MSG_VOTE || m.type() == MessageType.MSG_PRE_VOTE) {
        boolean force = Arrays.equals(m.context(), TRANSFER_CONTEXT);
        boolean inLease = config.checkQuorum() && lead != 0
            && electionElapsed < config.electionTicks();
        if (!force && inLease) {
          return; // we heard from a leader recently: do not let a (pre-)candidate disrupt it
        }
      }
      if (m.type() == MessageType.MSG_PRE_VOTE
          || (m.type() == MessageType.MSG_PRE_VOTE_RESP && !m.reject())) {
        // A pre-vote does not change terms; a granted pre-vote carries the term the candidate will
        // use.
      } else if (m.type() == MessageType.MSG_APP || m.type() == MessageType.MSG_HEARTBEAT
          || m.type() == MessageType.MSG_SNAP) {
        becomeFollower(m.term(), m.from());
      } else {
        becomeFollower(m.term(), 0);
      }
    } else if (m.term() < term && m.term() != 0) {
      if ((config.checkQuorum() || config.preVote())
          && (m.type() == MessageType.MSG_HEARTBEAT || m.type() == MessageType.MSG_APP)) {
        // A leader from an older term (e.g. cut off while we moved on): tell it the current term so
        // it steps down, since with pre-vote/check-quorum we will not disrupt it by campaigning.
        send(out(MessageType.MSG_APP_RESP, m.from()));
      } else if (m.type() == MessageType.MSG_PRE_VOTE) {
        send(out(MessageType.MSG_PRE_VOTE_RESP, m.from()).reject(true));
      }
      return;
    }

    switch (m.type()) {
      case MSG_VOTE, MSG_PRE_VOTE -> handleVoteRequest(m);
      default -> {
        switch (role) {
          case LEADER -> stepLeader(m);
          case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
          case FOLLOWER -> stepFollower(m);
        }
      }
    }
  }

  private void handleVoteRequest(Message m) {
    boolean preVote = m.type() == MessageType.MSG_PRE_VOTE;
    MessageType respType = preVote ? MessageType.MSG_PRE_VOTE_RESP : MessageType.MSG_VOTE_RESP;
    boolean canVote = vote == m.from()
        || (vote == 0 && lead == 0)
        || (preVote && m.term() > term);
    if (canVote && log.isUpToDate(m.index(), m.logTerm())) {
      // The response carries the request's term: for a pre-vote that is the term the candidate will
      // use.
      send(out(respType, m.from()).term(m.term()));
      if (!preVote) {
        electionElapsed = 0;
        vote = m.from();
      }
    } else {
      send(out(respType, m.from()).reject(true));
    }
  }

  /**
   * Proposes {@code data} for the log. Only the leader accepts proposals; nothing is forwarded.
   *
   * @return the index the entry was appended at (it may still be overwritten if leadership is lost
   *         before commit)
   * @throws ProposalDroppedException if this node is not the leader or a leadership transfer is in
   *                                  progress
   */
  long propose(byte[] data) {
    checkCanPropose();
    return appendAndBroadcast(new Entry(term, log.lastIndex() + 1, EntryType.NORMAL, data));
  }

  /**
   * Proposes {@code data} wherever this node stands, as etcd's raft does with a local proposal: the
   * leader appends it; a follower that knows its leader forwards it there, over the network, with
   * no answer (a leader that cannot take it drops it); without a known leader it is dropped. The
   * caller learns the outcome from the applied log only.
   *
   * @throws ProposalDroppedException if it is dropped here (no leader known, or a transfer in
   *                                  progress)
   */
  public void proposeOrForward(byte[] data) {
    proposeOrForward(List.of(data));
  }

  /**
   * Proposes several data entries as {@link #proposeOrForward(byte[])} does one, in one message:
   * the leader appends them all and sends each follower one append; a follower forwards them in
   * one MSG_PROP (etcd's raft takes a proposal message of many entries the same way).
   *
   * @throws ProposalDroppedException if they are dropped here (no leader known, or a transfer in
   *                                  progress)
   */
  public void proposeOrForward(List<byte[]> data) {
    List<Entry> entries = new ArrayList<>(data.size());
    for (byte[] d : data) {
      entries.add(new Entry(0, 0, EntryType.NORMAL, d));
    }
    if (role == Role.FOLLOWER && lead != 0) {
      send(out(MessageType.MSG_PROP, lead).term(0).entries(entries));
    } else if (role == Role.LEADER) {
      checkCanPropose();
      appendData(entries);
    } else {
      throw new ProposalDroppedException("node " + id + " knows no leader in term " + term);
    }
  }

  /** The leader appends data entries in this term, then sends each follower what it lacks. */
  private void appendData(List<Entry> entries) {
    List<Entry> appended = new ArrayList<>(entries.size());
    long next = log.lastIndex() + 1;
    for (Entry e : entries) {
      appended.add(new Entry(term, next++, EntryType.NORMAL, e.data()));
    }
    log.append(appended);
    progress.get(id).maybeUpdate(log.lastIndex());
    maybeCommit();
    broadcastAppend();
  }

  /**
   * Proposes a membership change wherever this node stands, as {@link #proposeOrForward(byte[])}
   * does with data: the leader takes it as {@link #proposeConfChange(ConfChange)} does (and throws
   * as it does); a follower forwards it to its leader, which refuses it silently when it cannot
   * take it (etcd's raft appends an empty entry in its place, as here).
   *
   * @throws ProposalDroppedException if it is dropped here
   */
  public void proposeConfChangeOrForward(ConfChange change) {
    proposeOrForward(new Entry(0, 0, EntryType.CONF_CHANGE, change.encode()));
  }

  private void proposeOrForward(Entry entry) {
    if (role == Role.FOLLOWER && lead != 0) {
      send(out(MessageType.MSG_PROP, lead).term(0).entries(List.of(entry)));
    } else if (role == Role.LEADER) {
      proposeEntry(entry);
    } else {
      throw new ProposalDroppedException("node " + id + " knows no leader in term " + term);
    }
  }

  private void proposeEntry(Entry entry) {
    if (entry.type() == EntryType.CONF_CHANGE) {
      proposeConfChange(ConfChange.decode(entry.data()));
    } else {
      propose(entry.data());
    }
  }

  /**
   * Proposes a membership change (one at a time, as etcd's simple conf changes). It takes effect on
   * each node when the host applies the committed entry and calls {@link
   * #applyConfChange(ConfChange)}.
   *
   * @return the index of the CONF_CHANGE entry
   * @throws ProposalDroppedException as {@link #propose(byte[])}; if an earlier change is not yet
   *                                  applied (etcd would append an empty entry in its place); if it
   *                                  would demote a voter to learner or remove the last voter
   */
  long proposeConfChange(ConfChange change) {
    checkCanPropose();
    if (pendingConfIndex > log.applied()) {
      throw new ProposalDroppedException(
          "a configuration change is pending (index " + pendingConfIndex
          + ", applied " + log.applied() + ")");
    }
    confChanger.validate(change);
    long index = appendAndBroadcast(
        new Entry(term, log.lastIndex() + 1, EntryType.CONF_CHANGE, change.encode()));
    pendingConfIndex = index;
    return index;
  }

  private void checkCanPropose() {
    if (role != Role.LEADER) {
      throw new ProposalDroppedException(
          "node " + id + " is not the leader (leader: " + lead + ")");
    }
    if (leadTransferee != 0) {
      throw new ProposalDroppedException("leadership is being transferred to " + leadTransferee);
    }
  }

  private long appendAndBroadcast(Entry entry) {
    appendEntry(entry);
    broadcastAppend();
    return entry.index();
  }

  /**
   * Requests a read index for a linearizable read; the answer arrives as a {@link ReadState}
   * carrying {@code ctx} in a later {@link Ready}. The leader confirms its leadership with a
   * heartbeat round first (not needed with a single voter). Requests made before the leader has
   * committed an entry of its term are held until it has. A follower forwards the request to the
   * leader. Without a known leader the request is dropped silently (as etcd; callers time out and
   * retry).
   */
  public void readIndex(byte[] ctx) {
    if (role == Role.LEADER) {
      leaderReadIndex(id, ctx);
    } else if (role == Role.FOLLOWER && lead != 0) {
      // Term 0, like etcd: a forwarded request is treated as local input by the leader.
      send(out(MessageType.MSG_READ_INDEX, lead).term(0).context(ctx));
    }
  }

  private void leaderReadIndex(long from, byte[] ctx) {
    if (voters.size() == 1 && voters.contains(id)) {
      answerRead(from, log.committed(), ctx);
    } else if (log.term(log.committed()) != term) {
      // Our commit index may lag the cluster's until an entry of this term commits.
      readOnly.hold(from, ctx);
    } else {
      readOnly.add(log.committed(), from, ctx, id);
      broadcastHeartbeat();
    }
  }

  private void answerRead(long from, long index, byte[] ctx) {
    if (from == id) {
      readStates.add(new ReadState(index, ctx));
    } else {
      send(out(MessageType.MSG_READ_INDEX_RESP, from).index(index).context(ctx));
    }
  }

  private void releaseHeldReads() {
    for (ReadOnly.Request r : readOnly.releaseHeld()) {
      leaderReadIndex(r.from(), r.ctx());
    }
  }

  /**
   * Asks to move leadership to {@code transferee}. On the leader: once the transferee's log is
   * caught up it is told to campaign at once (MSG_TIMEOUT_NOW); proposals are dropped meanwhile;
   * the transfer is abandoned after an election timeout. On a follower: forwarded to the leader.
   * Ignored if the transferee is not a voter.
   */
  public void transferLeadership(long transferee) {
    if (role == Role.LEADER) {
      handleTransfer(transferee);
    } else if (role == Role.FOLLOWER && lead != 0) {
      send(out(MessageType.MSG_TRANSFER_LEADER, lead).index(transferee));
    }
  }

  private void handleTransfer(long transferee) {
    Progress pr = progress.get(transferee);
    if (pr == null || pr.learner) {
      return;
    }
    if (leadTransferee != 0) {
      if (leadTransferee == transferee) {
        return;
      }
      abortLeaderTransfer();
    }
    if (transferee == id) {
      return;
    }
    electionElapsed = 0; // the transfer must finish within one election timeout
    leadTransferee = transferee;
    if (pr.match == log.lastIndex()) {
      send(out(MessageType.MSG_TIMEOUT_NOW, transferee));
    } else {
      sendAppend(transferee, true);
    }
  }

  private void abortLeaderTransfer() {
    leadTransferee = 0;
  }

  /**
   * Starts an election now (a pre-vote round first when enabled). Ignored on leaders, learners and
   * non-members.
   */
  void campaign() {
    if (role != Role.LEADER) {
      hup(false);
    }
  }

  private void hup(boolean transfer) {
    if (!promotable()) {
      return;
    }
    // A conf change committed but not applied could change who votes; wait for the host to apply
    // it.
    for (Entry e : log.nextCommittedEntries()) {
      if (e.type() == EntryType.CONF_CHANGE) {
        return;
      }
    }
    if (config.preVote() && !transfer) {
      startElection(true, false);
    } else {
      startElection(false, transfer);
    }
  }

  private void startElection(boolean pre, boolean transfer) {
    long voteTerm;
    MessageType type;
    if (pre) {
      becomePreCandidate();
      voteTerm = term + 1;
      type = MessageType.MSG_PRE_VOTE;
    } else {
      becomeCandidate();
      voteTerm = term;
      type = MessageType.MSG_VOTE;
    }
    if (poll(id, true) == VoteResult.WON) {
      // Single voter: won at once.
      if (pre) {
        startElection(false, transfer);
      } else {
        becomeLeader();
      }
      return;
    }
    for (long v : voters) {
      if (v == id) {
        continue;
      }
      MessageBuilder out =
          out(type, v).term(voteTerm).index(log.lastIndex()).logTerm(log.lastTerm());
      if (transfer) {
        out.context(TRANSFER_CONTEXT);
      }
      send(out);
    }
  }

  private VoteResult poll(long from, boolean granted) {
    votes.putIfAbsent(from, granted);
    int yes = 0;
    int no = 0;
    for (long v : voters) {
      Boolean b = votes.get(v);
      if (b == null) {
        continue;
      }
      if (b) {
        yes++;
      } else {
        no++;
      }
    }
    if (yes >= quorum()) {
      return VoteResult.WON;
    }
    if (voters.size() - no < quorum()) {
      return VoteResult.LOST;
    }
    return VoteResult.PENDING;
  }

  // ------------------------------------------------------------------ role transitions

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = 0;
    }
    lead = 0;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    abortLeaderTransfer();
    votes.clear();
    for (Map.Entry<Long, Progress> e : progress.entrySet()) {
      Progress pr = new Progress(
          log.lastIndex() + 1, e.getValue().learner, config.maxInflightMsgs());
      if (e.getKey() == id) {
        pr.match = log.lastIndex();
      }
      e.setValue(pr);
    }
    pendingConfIndex = 0;
    readOnly.reset();
  }

  private void becomeFollower(long newTerm, long leader) {
    reset(newTerm);
    lead = leader;
    role = Role.FOLLOWER;
  }

  private void becomePreCandidate() {
    // Neither the term nor the vote changes: a pre-candidate that cannot win leaves no trace.
    votes.clear();
    lead = 0;
    role = Role.PRE_CANDIDATE;
  }

  private void becomeCandidate() {
    reset(term + 1);
    vote = id;
    role = Role.CANDIDATE;
  }

  private void becomeLeader() {
    reset(term);
    lead = id;
    role = Role.LEADER;
    Progress self = progress.get(id);
    self.becomeReplicate();
    self.recentActive = true;
    // Conservative: an earlier uncommitted conf change may be in the log.
    pendingConfIndex = log.lastIndex();
    appendEntry(new Entry(term, log.lastIndex() + 1, EntryType.NORMAL, null));
    broadcastAppend();
  }

  private boolean promotable() {
    return voters.contains(id) && log.pendingSnapshot() == null;
  }

  private int quorum() {
    return voters.size() / 2 + 1;
  }

  // ------------------------------------------------------------------ leader

  private void stepLeader(Message m) {
    switch (m.type()) {
      case MSG_READ_INDEX -> leaderReadIndex(m.from(), m.context());
      case MSG_PROP -> {
        if (leadTransferee == 0) {
          if (m.entries().stream().allMatch(e -> e.type() == EntryType.NORMAL)) {
            appendData(m.entries());
          } else {
            for (Entry e : m.entries()) {
              try {
                proposeEntry(e);
              } catch (ProposalDroppedException refused) {
                propose(null);
              }
            }
          }
        }
      }
      case MSG_TRANSFER_LEADER -> handleTransfer(m.index());
      case MSG_APP_RESP -> {
        Progress pr = progress.get(m.from());
        if (pr != null) {
          handleAppendResponse(m, pr);
        }
      }
      case MSG_HEARTBEAT_RESP -> {
        Progress pr = progress.get(m.from());
        if (pr != null) {
          handleHeartbeatResponse(m, pr);
        }
      }
      default -> {
        // Other messages of our own term are meaningless to a leader.
      }
    }
  }

  private void handleAppendResponse(Message m, Progress pr) {
    pr.recentActive = true;
    if (m.reject()) {
      long hint = m.rejectHint();
      if (m.logTerm() > 0) {
        hint = log.findConflictByTerm(m.rejectHint(), m.logTerm());
      }
      if (pr.maybeDecrTo(m.index(), hint)) {
        if (pr.state == ProgressState.REPLICATE) {
          pr.becomeProbe();
        }
        sendAppend(m.from(), true);
      }
      return;
    }
    boolean wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index())) {
      return;
    }
    switch (pr.state) {
      case PROBE -> pr.becomeReplicate();
      case SNAPSHOT -> {
        if (pr.match + 1 >= log.firstIndex()) {
          pr.becomeProbe();
          pr.becomeReplicate();
        }
      }
      case REPLICATE -> pr.freeInflightsUpTo(m.index());
    }
    if (maybeCommit()) {
      broadcastAppend();
    } else if (wasPaused) {
      sendAppend(m.from(), true);
    }
    // Stream whatever else is ready, within the inflight window.
    while (sendAppend(m.from(), false)) {
      // keep sending
    }
    if (m.from() == leadTransferee && pr.match == log.lastIndex()) {
      send(out(MessageType.MSG_TIMEOUT_NOW, m.from()));
    }
  }

  private void handleHeartbeatResponse(Message m, Progress pr) {
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state == ProgressState.REPLICATE && pr.inflightFull()) {
      pr.freeFirstInflight();
    }
    if (pr.match < log.lastIndex()) {
      sendAppend(m.from(), true);
    }
    for (ReadOnly.Pending read : readOnly.ack(m.from(), m.context(), this::isQuorum)) {
      answerRead(read.request().from(), read.index(), read.request().ctx());
    }
  }

  /** Whether {@code acks} include a quorum of the voters. */
  private boolean isQuorum(Collection<Long> acks) {
    int votersAcked = 0;
    for (long a : acks) {
      if (voters.contains(a)) {
        votersAcked++;
      }
    }
    return votersAcked >= quorum();
  }

  private void appendEntry(Entry entry) {
    log.append(List.of(entry));
    progress.get(id).maybeUpdate(log.lastIndex());
    maybeCommit();
  }

  /** Advances the commit index to what a quorum of voters has, if that entry is of this term. */
  private boolean maybeCommit() {
    long[] matches = new long[voters.size()];
    int i = 0;
    for (long v : voters) {
      Progress pr = progress.get(v);
      matches[i++] = pr.match;
    }
    if (matches.length == 0) {
      return false;
    }
    Arrays.sort(matches);
    long quorumIndex = matches[matches.length - quorum()];
    if (log.maybeCommit(quorumIndex, term)) {
      releaseHeldReads();
      return true;
    }
    return false;
  }

  private void broadcastAppend() {
    for (long peer : progress.keySet()) {
      if (peer != id) {
        sendAppend(peer, true);
      }
    }
  }

  private void broadcastHeartbeat() {
    byte[] ctx = readOnly.heartbeatContext();
    for (Map.Entry<Long, Progress> e : progress.entrySet()) {
      if (e.getKey() == id) {
        continue;
      }
      // Never tell a follower to commit beyond what it is known to have.
      long commit = Math.min(e.getValue().match, log.committed());
      send(out(MessageType.MSG_HEARTBEAT, e.getKey()).commit(commit).context(ctx));
    }
  }

  /**
   * Sends the peer the entries it needs next (or a snapshot if they are compacted away). Returns
   * whether a message was sent; with {@code sendIfEmpty} false, nothing is sent when there are no
   * entries.
   */
  private boolean sendAppend(long to, boolean sendIfEmpty) {
    Progress pr = progress.get(to);
    if (pr == null || pr.isPaused()) {
      return false;
    }
    long prevIndex = pr.next - 1;
    long prevTerm = log.term(prevIndex);
    List<Entry> entries = log.entriesFrom(pr.next, config.maxSizePerMsg());
    if (prevTerm == RaftLog.UNAVAILABLE || entries == null) {
      if (!pr.recentActive) {
        return false; // not worth a snapshot until the peer shows it is alive
      }
      Snapshot snap = log.snapshot();
      if (snap.isEmpty()) {
        throw new IllegalStateException(
            "entries before " + log.firstIndex() + " are compacted but there is no snapshot");
      }
      send(out(MessageType.MSG_SNAP, to).snapshot(snap));
      pr.becomeSnapshot(snap.index());
      return true;
    }
    if (entries.isEmpty() && !sendIfEmpty) {
      return false;
    }
    send(out(MessageType.MSG_APP, to).index(prevIndex).logTerm(prevTerm).entries(entries)
        .commit(log.committed()));
    if (!entries.isEmpty()) {
      pr.sentEntries(entries.get(entries.size() - 1).index());
    }
    return true;
  }

  // ------------------------------------------------------------------ candidate and follower

  private void stepCandidate(Message m) {
    MessageType myResponse = role == Role.PRE_CANDIDATE ? MessageType.MSG_PRE_VOTE_RESP
        : MessageType.MSG_VOTE_RESP;
    switch (m.type()) {
      case MSG_APP -> {
        becomeFollower(m.term(), m.from());
        handleAppend(m);
      }
      case MSG_HEARTBEAT -> {
        becomeFollower(m.term(), m.from());
        handleHeartbeat(m);
      }
      case MSG_SNAP -> {
        becomeFollower(m.term(), m.from());
        handleSnapshot(m);
      }
      default -> {
        if (m.type() != myResponse) {
          // e.g. a stale response of the other vote kind, or a read request without a leader
          return;
        }
        switch (poll(m.from(), !m.reject())) {
          case WON -> {
            if (role == Role.PRE_CANDIDATE) {
              startElection(false, false);
            } else {
              becomeLeader();
            }
          }
          case LOST -> becomeFollower(term, 0);
          case PENDING -> {
          }
        }
      }
    }
  }

  private void stepFollower(Message m) {
    switch (m.type()) {
      case MSG_APP -> {
        electionElapsed = 0;
        lead = m.from();
        handleAppend(m);
      }
      case MSG_HEARTBEAT -> {
        electionElapsed = 0;
        lead = m.from();
        handleHeartbeat(m);
      }
      case MSG_SNAP -> {
        electionElapsed = 0;
        lead = m.from();
        handleSnapshot(m);
      }
      case MSG_TRANSFER_LEADER -> {
        if (lead != 0) {
          send(out(MessageType.MSG_TRANSFER_LEADER, lead).index(m.index()));
        }
      }
      case MSG_TIMEOUT_NOW -> hup(true);
      case MSG_READ_INDEX -> {
        if (lead != 0) {
          send(out(MessageType.MSG_READ_INDEX, lead).term(0).context(m.context()));
        }
      }
      case MSG_READ_INDEX_RESP -> readStates.add(new ReadState(m.index(), m.context()));
      case MSG_PROP -> {
        if (lead != 0) {
          send(out(MessageType.MSG_PROP, lead).term(0).entries(m.entries()));
        }
      }
      default -> {
        // Responses meant for a leader or candidate of this term: stale here.
      }
    }
  }

  private void handleAppend(Message m) {
    if (m.index() < log.committed()) {
      send(out(MessageType.MSG_APP_RESP, m.from()).index(log.committed()));
      return;
    }
    long lastNew = log.maybeAppend(m.index(), m.logTerm(), m.commit(), m.entries());
    if (lastNew >= 0) {
      send(out(MessageType.MSG_APP_RESP, m.from()).index(lastNew));
      return;
    }
    // Hint where our log could match: the last entry at or before the rejected index whose term is
    // not newer than the leader's term there, so the leader can skip a whole divergent term at
    // once.
    long hintIndex = log.findConflictByTerm(Math.min(m.index(), log.lastIndex()), m.logTerm());
    long hintTerm = Math.max(0, log.term(hintIndex));
    send(out(MessageType.MSG_APP_RESP, m.from()).index(m.index()).reject(true)
        .rejectHint(hintIndex).logTerm(hintTerm));
  }

  private void handleHeartbeat(Message m) {
    log.commitTo(m.commit());
    send(out(MessageType.MSG_HEARTBEAT_RESP, m.from()).context(m.context()));
  }

  private void handleSnapshot(Message m) {
    Snapshot s = m.snapshot();
    if (restore(s)) {
      send(out(MessageType.MSG_APP_RESP, m.from()).index(log.lastIndex()));
    } else {
      send(out(MessageType.MSG_APP_RESP, m.from()).index(log.committed()));
    }
  }

  private boolean restore(Snapshot s) {
    if (s.index() <= log.committed()) {
      return false;
    }
    if (log.matchTerm(s.index(), s.term())) {
      // We already have the snapshot's entries: just commit up to it.
      log.commitTo(s.index());
      return false;
    }
    log.restore(s);
    confChanger.restore(s.confState());
    return true;
  }

  // ------------------------------------------------------------------ membership

  /**
   * Applies a committed membership change (as {@link ConfChanger#apply} says); the host calls it
   * when it applies the CONF_CHANGE entry. A leader that is removed steps down.
   *
   * @return the configuration now in force (to record in snapshots)
   */
  public ConfState applyConfChange(ConfChange change) {
    confChanger.apply(change);
    afterConfChange();
    return confState();
  }

  private void afterConfChange() {
    if (role != Role.LEADER) {
      return;
    }
    if (!voters.contains(id)) {
      becomeFollower(term, 0); // removed (etcd's StepDownOnRemoval)
      return;
    }
    if (leadTransferee != 0 && !voters.contains(leadTransferee)) {
      abortLeaderTransfer();
    }
    // The quorum may have shrunk; new members need the log.
    if (maybeCommit()) {
      broadcastAppend();
    } else {
      for (long peer : progress.keySet()) {
        if (peer != id) {
          sendAppend(peer, false);
        }
      }
    }
  }

  // ------------------------------------------------------------------ reports

  /**
   * Tells the leader the last message to {@code peer} could not be delivered: replication to it
   * falls back to probing.
   */
  public void reportUnreachable(long peer) {
    Progress pr = role == Role.LEADER ? progress.get(peer) : null;
    if (pr != null && pr.state == ProgressState.REPLICATE) {
      pr.becomeProbe();
    }
  }

  /**
   * Tells the leader whether the snapshot it sent to {@code peer} arrived (as etcd's transport
   * does). Replication to the peer is paused while a snapshot is outstanding; without a report, the
   * leader gives up on it after one to two election timeouts.
   */
  public void reportSnapshot(long peer, boolean success) {
    Progress pr = role == Role.LEADER ? progress.get(peer) : null;
    if (pr == null || pr.state != ProgressState.SNAPSHOT) {
      return;
    }
    if (!success) {
      pr.pendingSnapshot = 0;
    }
    pr.becomeProbe();
    // Wait for the peer's answer (or a heartbeat response) before the next append.
    pr.probeSent = true;
  }

  // ------------------------------------------------------------------ Ready

  /** Whether {@link #ready()} has anything to hand out. */
  public boolean hasReady() {
    return !softState().equals(prevSoftState)
        || !hardState().equals(prevHardState)
        || log.pendingSnapshot() != null
        || !log.unstableEntries().isEmpty()
        || log.hasNextCommittedEntries()
        || !messages.isEmpty()
        || !readStates.isEmpty();
  }

  /**
   * The pending work; hand it back with {@link #advance(Ready)} once handled. Call once per
   * advance.
   */
  public Ready ready() {
    SoftState soft = softState();
    HardState hard = hardState();
    Ready rd = new Ready(
        soft.equals(prevSoftState) ? null : soft,
        hard.equals(prevHardState) ? null : hard,
        log.unstableEntries(),
        log.pendingSnapshot(),
        log.nextCommittedEntries(),
        messages,
        readStates);
    prevSoftState = soft;
    messages.clear();
    readStates.clear();
    return rd;
  }

  /**
   * Acknowledges that {@code ready} (the last one returned by {@link #ready()}) was persisted, sent
   * and applied.
   */
  public void advance(Ready ready) {
    if (ready.hardState() != null) {
      prevHardState = ready.hardState();
    }
    if (ready.snapshot() != null) {
      log.snapshotApplied(ready.snapshot().index());
    }
    if (!ready.entries().isEmpty()) {
      Entry last = ready.entries().get(ready.entries().size() - 1);
      log.stableTo(last.index(), last.term());
    }
    if (!ready.committedEntries().isEmpty()) {
      log.appliedTo(ready.committedEntries().get(ready.committedEntries().size() - 1).index());
    }
  }

  private SoftState softState() {
    return new SoftState(lead, role);
  }

  private HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  // ------------------------------------------------------------------ accessors

  long id() {
    return id;
  }

  public long term() {
    return term;
  }

  /** The leader this node knows of in its current term, or 0. */
  public long leaderId() {
    return lead;
  }

  public Role role() {
    return role;
  }

  long commitIndex() {
    return log.committed();
  }

  /**
   * Index of the last entry handed out in {@code committedEntries} (or snapshot) and acknowledged
   * by {@link #advance(Ready)}.
   */
  long appliedIndex() {
    return log.applied();
  }

  /** Index of the last entry in this node's log (persisted or not). */
  long lastIndex() {
    return log.lastIndex();
  }

  /** The configuration currently in force on this node. */
  public ConfState confState() {
    return confChanger.confState();
  }

  public RaftStatus status() {
    SortedMap<Long, PeerProgress> views = new TreeMap<>();
    if (role == Role.LEADER) {
      for (Map.Entry<Long, Progress> e : progress.entrySet()) {
        views.put(e.getKey(), e.getValue().view());
      }
    }
    return new RaftStatus(
        id, term, vote, log.committed(), log.applied(), lead, role, leadTransferee,
        confState(), Collections.unmodifiableSortedMap(views));
  }

  @Override
  public String toString() {
    return "RaftNode[" + id + " " + role + " t" + term + " lead=" + lead
        + " commit=" + log.committed() + " last=" + log.lastIndex() + "]";
  }

  // ------------------------------------------------------------------ outgoing messages

  private MessageBuilder out(MessageType type, long to) {
    return new MessageBuilder(type, id, to, term);
  }

  private void send(MessageBuilder out) {
    messages.add(out.build());
  }
}
