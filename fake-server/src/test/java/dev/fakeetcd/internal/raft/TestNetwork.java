package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.EntryType;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A tiny deterministic harness for Raft tests: nodes with their storages and a trivial state
 * machine (the list of applied payloads), messages delivered in FIFO order, links that can be cut.
 */
final class TestNetwork {

  /** The host side of one member: storage survives restart, the rest is volatile. */
  static final class Member {
    final MemoryRaftStorage storage;
    RaftConfig config;
    RaftNode node;
    List<String> applied = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    final List<SoftState> softStates = new ArrayList<>();
    ConfState conf = ConfState.EMPTY;

    Member(MemoryRaftStorage storage, RaftConfig config) {
      this.storage = storage;
      this.config = config;
    }
  }

  private final long seed;
  final TreeMap<Long, Member> members = new TreeMap<>();
  final List<Message> inFlight = new ArrayList<>();
  /** Cut directed links "from->to"; only looked up, never iterated. */
  private final Set<String> cut = new HashSet<>();
  /** Every message delivered or dropped, in order. */
  final List<Message> trace = new ArrayList<>();
  private UnaryOperator<RaftConfig> configure = UnaryOperator.identity();
  /** Messages matching this are lost. */
  private Predicate<Message> lose = m -> false;

  TestNetwork(long seed) {
    this.seed = seed;
  }

  /** A new cluster whose members are all voters, with the given config tweak. */
  static TestNetwork bootstrap(long seed, UnaryOperator<RaftConfig> configure, long... ids) {
    TestNetwork net = new TestNetwork(seed);
    net.configure = configure;
    List<Long> voters = Arrays.stream(ids).boxed().toList();
    for (long id : ids) {
      Member m = new Member(new MemoryRaftStorage(), configure.apply(RaftConfig.of(id)));
      m.node = RaftNode.bootstrap(m.config, m.storage, net.random(id), voters);
      net.members.put(id, m);
    }
    net.process();
    return net;
  }

  static TestNetwork bootstrap(long seed, long... ids) {
    return bootstrap(seed, UnaryOperator.identity(), ids);
  }

  private SplittableRandom random(long id) {
    return new SplittableRandom(seed * 1_000_003L + id);
  }

  /**
   * Adds a member with empty storage that joins an existing cluster (its conf change is proposed
   * separately).
   */
  Member addEmptyMember(long id) {
    Member m = new Member(new MemoryRaftStorage(), configure.apply(RaftConfig.of(id)));
    m.node = RaftNode.start(m.config, m.storage, random(id + 7919));
    members.put(id, m);
    return m;
  }

  /** Simulates a crash and restart: volatile state is lost, storage is kept. */
  Member restart(long id) {
    Member old = members.get(id);
    Member m = new Member(old.storage, old.config);
    Snapshot snap = m.storage.snapshot();
    if (!snap.isEmpty()) {
      m.applied = decode(snap.data());
      m.conf = snap.confState();
    }
    m.node = RaftNode.start(m.config, m.storage, random(id + 104729));
    inFlight.removeIf(msg -> msg.to() == id || msg.from() == id);
    members.put(id, m);
    return m;
  }

  RaftNode node(long id) {
    return members.get(id).node;
  }

  Member member(long id) {
    return members.get(id);
  }

  /** Cuts both directions between a and b. */
  void cut(long a, long b) {
    cut.add(a + "->" + b);
    cut.add(b + "->" + a);
  }

  /** Cuts every link of {@code id}. */
  void isolate(long id) {
    for (long other : members.keySet()) {
      if (other != id) {
        cut(id, other);
      }
    }
  }

  void heal() {
    cut.clear();
  }

  /** Loses every message matching {@code filter} from now on (replacing any earlier filter). */
  void lose(Predicate<Message> filter) {
    lose = filter;
  }

  /** Handles every Ready and delivers messages (FIFO) until the cluster is quiet. */
  void process() {
    for (int steps = 0; steps < 1_000_000; steps++) {
      boolean worked = handleReadies();
      if (!inFlight.isEmpty()) {
        deliver(inFlight.remove(0));
        worked = true;
      }
      if (!worked) {
        return;
      }
    }
    throw new AssertionError("cluster did not quiesce");
  }

  /** Handles every pending Ready; returns whether there was any. */
  boolean handleReadies() {
    boolean worked = false;
    for (Member m : members.values()) {
      while (m.node.hasReady()) {
        handleReady(m);
        worked = true;
      }
    }
    return worked;
  }

  /** Delivers one message unless its link is cut or it matches the loss filter. */
  void deliver(Message msg) {
    trace.add(msg);
    Member target = members.get(msg.to());
    if (target != null && !cut.contains(msg.from() + "->" + msg.to()) && !lose.test(msg)) {
      target.node.step(msg);
    }
  }

  private void handleReady(Member m) {
    Ready rd = m.node.ready();
    m.storage.persist(rd);
    inFlight.addAll(rd.messages());
    if (rd.softState() != null) {
      m.softStates.add(rd.softState());
    }
    if (rd.snapshot() != null) {
      m.applied = decode(rd.snapshot().data());
      m.conf = rd.snapshot().confState();
    }
    for (Entry e : rd.committedEntries()) {
      if (e.type() == EntryType.CONF_CHANGE) {
        m.conf = m.node.applyConfChange(ConfChange.decode(e.data()));
      } else if (e.data().length > 0) {
        m.applied.add(new String(e.data(), StandardCharsets.UTF_8));
      }
    }
    m.readStates.addAll(rd.readStates());
    m.node.advance(rd);
  }

  /** Ticks every node {@code n} times, processing after each round. */
  void tick(int n) {
    for (int i = 0; i < n; i++) {
      for (Member m : members.values()) {
        m.node.tick();
      }
      process();
    }
  }

  /** Makes {@code id} campaign and processes until quiet. */
  void elect(long id) {
    node(id).campaign();
    process();
  }

  long propose(long id, String data) {
    long index = node(id).propose(data.getBytes(StandardCharsets.UTF_8));
    process();
    return index;
  }

  /** Ids of the nodes currently believing they are leader. */
  List<Long> leaders() {
    List<Long> out = new ArrayList<>();
    for (Map.Entry<Long, Member> e : members.entrySet()) {
      if (e.getValue().node.role() == Role.LEADER) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** The persisted log of {@code id} (entries after its compaction point). */
  List<Entry> storedLog(long id) {
    MemoryRaftStorage s = member(id).storage;
    return s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE);
  }

  /** Snapshot payload for the test state machine. */
  static byte[] encode(List<String> applied) {
    return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
  }

  static List<String> decode(byte[] data) {
    String s = new String(data, StandardCharsets.UTF_8);
    return s.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(s.split("\n")));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
