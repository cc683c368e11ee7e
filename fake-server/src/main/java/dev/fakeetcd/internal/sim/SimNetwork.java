package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.Message;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The simulated network between members. Links are directional. Every delivery is a timer on the
 * virtual clock, even on a healthy link with no latency, so interleavings are reproducible. Whether
 * a link is cut is checked when a message is sent and again when it would arrive, so a partition
 * also loses what is in flight. Every random choice draws from the cluster's seeded generator.
 */
public final class SimNetwork {

  /** One member's end of the network. */
  interface Receiver {
    /** False while the member is down: what arrives then is lost. */
    boolean isUp();

    void receive(long from, Object message);

    /** A message this member sent to {@code to} was lost, as a real transport would notice. */
    void undelivered(long to, Object message);
  }

  private record Link(long from, long to) implements Comparable<Link> {
    @Override
    public int compareTo(Link o) {
      int c = Long.compare(from, o.from);
      return c != 0 ? c : Long.compare(to, o.to);
    }
  }

  private record Latency(long baseNanos, long jitterNanos) {
    static final Latency NONE = new Latency(0, 0);
  }

  private final SimClock clock;
  private final SplittableRandom random;
  private final Trace trace;
  private final Predicate<Object> duplicable;
  private final TreeMap<Long, Receiver> receivers = new TreeMap<>();
  private final TreeSet<Link> cuts = new TreeSet<>();
  private final TreeMap<Link, Double> linkLoss = new TreeMap<>();
  private final TreeMap<Link, Latency> linkLatency = new TreeMap<>();
  private final TreeMap<Link, ArrayDeque<Object>> holds = new TreeMap<>();
  /** When each member last (re)started its transport, in virtual nanos. */
  private final TreeMap<Long, Long> startedAt = new TreeMap<>();
  /** When the cuts between a pair (lower id first) were last healed. */
  private final TreeMap<Link, Long> healedAt = new TreeMap<>();
  private double loss;
  private double duplication;
  private Latency latency = Latency.NONE;

  /**
   * @param duplicable which messages a duplication fault may copy; a real transport (TCP) never
   *     delivers a message twice, so only what a retransmission could repeat qualifies
   */
  SimNetwork(SimClock clock, SplittableRandom random, Trace trace, Predicate<Object> duplicable) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.trace = Objects.requireNonNull(trace, "trace");
    this.duplicable = Objects.requireNonNull(duplicable, "duplicable");
  }

  void attach(long id, Receiver receiver) {
    // Any other value is an ID: etcd's are unsigned 64-bit numbers, half of them negative here.
    if (id == 0) {
      throw new IllegalArgumentException("member id 0 is reserved");
    }
    if (receivers.putIfAbsent(id, Objects.requireNonNull(receiver, "receiver")) != null) {
      throw new IllegalArgumentException("member id already attached: " + id);
    }
    startedAt.put(id, clock.nanos());
  }

  /** Member {@code id} started again: its connections to every peer are new from now on. */
  void restarted(long id) {
    startedAt.put(id, clock.nanos());
  }

  /**
   * Since when {@code a} and {@code b} have been connected both ways without interruption (etcd's
   * transport {@code ActiveSince}), or empty if they are not connected now: a link is cut, or one
   * of them is down. A paused member stays connected, as a stopped process keeps its sockets.
   */
  public OptionalLong connectedSince(long a, long b) {
    requireMember(a);
    requireMember(b);
    if (cuts.contains(link(a, b)) || cuts.contains(link(b, a)) || !receivers.get(a).isUp()
        || !receivers.get(b).isUp()) {
      return OptionalLong.empty();
    }
    long since = Math.max(startedAt.get(a), startedAt.get(b));
    return OptionalLong.of(Math.max(since, healedAt.getOrDefault(pair(a, b), Long.MIN_VALUE)));
  }

  private String render(Link link) {
    return trace.member(link.from) + "->" + trace.member(link.to);
  }

  /** A message on {@code link}, as its receiver's trace events show it. */
  private String sent(Link link, Object message) {
    return "from " + trace.member(link.from) + " " + body(message);
  }

  /** A message without its endpoints, which trace events name already. */
  private static String body(Object message) {
    return message instanceof Message m ? m.withoutEndpoints() : message.toString();
  }

  /** What a trace summary counts a delivery of {@code message} as. */
  private static String kind(Object message) {
    if (!(message instanceof Message m)) {
      return message instanceof PeerMessage ? "peer requests" : "deliveries";
    }
    return switch (m.type()) {
      case MSG_HEARTBEAT, MSG_HEARTBEAT_RESP -> "heartbeats";
      case MSG_APP, MSG_APP_RESP -> "appends";
      case MSG_VOTE, MSG_VOTE_RESP, MSG_PRE_VOTE, MSG_PRE_VOTE_RESP -> "votes";
      case MSG_READ_INDEX, MSG_READ_INDEX_RESP -> "read indexes";
      case MSG_SNAP -> "snapshots sent";
      case MSG_PROP -> "forwarded proposals";
      case MSG_TIMEOUT_NOW, MSG_TRANSFER_LEADER -> "leader transfers";
    };
  }

  private static Link pair(long a, long b) {
    return new Link(Math.min(a, b), Math.max(a, b));
  }

  /** Sends one message; what happens to it depends on the link's state now and on arrival. */
  void send(long from, long to, Object message) {
    Link link = link(from, to);
    if (cuts.contains(link)) {
      drop(link, message, "cut");
      return;
    }
    double lossRate = linkLoss.getOrDefault(link, loss);
    if (lossRate > 0 && random.nextDouble() < lossRate) {
      drop(link, message, "lost");
      return;
    }
    transmit(link, message);
    if (duplication > 0 && duplicable.test(message) && random.nextDouble() < duplication) {
      trace.record(Trace.Type.DUPLICATE, to, sent(link, message));
      transmit(link, message);
    }
  }

  private void transmit(Link link, Object message) {
    ArrayDeque<Object> held = holds.get(link);
    if (held != null) {
      held.addLast(message);
      trace.record(Trace.Type.HOLD, link.to, sent(link, message));
      return;
    }
    scheduleArrival(link, message);
  }

  private void scheduleArrival(Link link, Object message) {
    Latency l = linkLatency.getOrDefault(link, latency);
    long delay = l.baseNanos + (l.jitterNanos > 0 ? random.nextLong(l.jitterNanos + 1) : 0);
    clock.schedule(Duration.ofNanos(delay), () -> arrive(link, message));
  }

  private void arrive(Link link, Object message) {
    if (cuts.contains(link)) {
      drop(link, message, "cut");
      return;
    }
    Receiver receiver = receivers.get(link.to);
    if (!receiver.isUp()) {
      drop(link, message, "down");
      return;
    }
    trace.record(Trace.Type.DELIVER, link.to, kind(message), sent(link, message));
    receiver.receive(link.from, message);
  }

  /** Records the loss and tells the sender, in an event of its own, as its transport would. */
  private void drop(Link link, Object message, String reason) {
    trace.record(Trace.Type.DROP, link.to, reason + " " + sent(link, message));
    Receiver sender = receivers.get(link.from);
    clock.schedule(Duration.ZERO, () -> sender.undelivered(link.to, message));
  }

  /**
   * Cuts every link between members of different groups, in both directions. Members named in no
   * group form one more group together. Adds to cuts already in place; {@link #heal} removes them.
   */
  @SafeVarargs
  public final void partition(Set<Long>... groups) {
    Map<Long, Integer> groupOf = new TreeMap<>();
    List<String> rendered = new ArrayList<>();
    for (int g = 0; g < groups.length; g++) {
      Set<Long> group = Objects.requireNonNull(groups[g], "group");
      for (Long id : group) {
        requireMember(Objects.requireNonNull(id, "member id"));
        if (groupOf.put(id, g) != null) {
          throw new IllegalArgumentException("member " + id + " is in more than one group");
        }
      }
      rendered.add(trace.members(new TreeSet<>(group)));
    }
    for (long a : receivers.keySet()) {
      for (long b : receivers.keySet()) {
        if (a != b && !groupOf.getOrDefault(a, -1).equals(groupOf.getOrDefault(b, -1))) {
          cuts.add(new Link(a, b));
        }
      }
    }
    trace.record(Trace.Type.FAULT, 0, "partition " + String.join(" | ", rendered));
  }

  /** Cuts every link to and from {@code id}. */
  public void isolate(long id) {
    requireMember(id);
    for (long other : receivers.keySet()) {
      if (other != id) {
        cuts.add(new Link(id, other));
        cuts.add(new Link(other, id));
      }
    }
    trace.record(Trace.Type.FAULT, id, "isolate");
  }

  /** Cuts the one-way link {@code from -> to}; the reverse direction keeps working. */
  public void cut(long from, long to) {
    Link link = link(from, to);
    cuts.add(link);
    trace.record(Trace.Type.FAULT, 0, "cut " + render(link));
  }

  public boolean isCut(long from, long to) {
    return cuts.contains(link(from, to));
  }

  /**
   * Restores a healthy network: no cuts, no loss, no duplication, no latency, no holds. Messages
   * that were held are released, oldest first, link by link.
   */
  public void heal() {
    for (Link cut : cuts) {
      healedAt.put(pair(cut.from, cut.to), clock.nanos());
    }
    cuts.clear();
    linkLoss.clear();
    linkLatency.clear();
    loss = 0;
    duplication = 0;
    latency = Latency.NONE;
    trace.record(Trace.Type.FAULT, 0, "heal");
    List<Link> held = new ArrayList<>(holds.keySet());
    for (Link link : held) {
      release(link.from, link.to);
    }
  }

  /** Delay for every link without its own: {@code base} plus a uniform draw from [0, jitter]. */
  public void latency(Duration base, Duration jitter) {
    latency = latencyOf(base, jitter);
    trace.record(Trace.Type.FAULT, 0, "latency " + base + " jitter " + jitter);
  }

  /**
   * Delay on one link: {@code base} plus a uniform draw from [0, jitter]. A jitter lets later
   * messages overtake earlier ones, which is how the network reorders.
   */
  public void latency(long from, long to, Duration base, Duration jitter) {
    Link link = link(from, to);
    linkLatency.put(link, latencyOf(base, jitter));
    trace.record(Trace.Type.FAULT, 0, "latency " + render(link) + " " + base + " jitter " + jitter);
  }

  /** Probability that a message on a link without its own loss rate is lost. */
  public void lossRate(double probability) {
    loss = probability(probability, "loss rate");
    trace.record(Trace.Type.FAULT, 0, "loss " + probability);
  }

  public void lossRate(long from, long to, double probability) {
    Link link = link(from, to);
    linkLoss.put(link, probability(probability, "loss rate"));
    trace.record(Trace.Type.FAULT, 0, "loss " + render(link) + " " + probability);
  }

  /** Probability that a message is delivered twice. */
  public void duplicationRate(double probability) {
    duplication = probability(probability, "duplication rate");
    trace.record(Trace.Type.FAULT, 0, "duplication " + probability);
  }

  /** Keeps every message sent on {@code from -> to} from now on until it is released. */
  public void hold(long from, long to) {
    Link link = link(from, to);
    holds.putIfAbsent(link, new ArrayDeque<>());
    trace.record(Trace.Type.FAULT, 0, "hold " + render(link));
  }

  /** Stops holding {@code from -> to} and sends everything held on it, oldest first. */
  public void release(long from, long to) {
    Link link = link(from, to);
    ArrayDeque<Object> held = holds.remove(link);
    trace.record(Trace.Type.FAULT, 0, "release " + render(link));
    if (held != null) {
      for (Object message : held) {
        transmit(link, message);
      }
    }
  }

  /**
   * Sends the oldest message held on {@code from -> to}, which stays held. Returns false if none
   * is held.
   */
  boolean releaseOne(long from, long to) {
    Link link = link(from, to);
    ArrayDeque<Object> held = holds.get(link);
    if (held == null || held.isEmpty()) {
      return false;
    }
    Object message = held.removeFirst();
    trace.record(Trace.Type.FAULT, 0, "release one " + render(link) + " " + body(message));
    scheduleArrival(link, message);
    return true;
  }

  /** How many messages are held on {@code from -> to}. */
  public int heldCount(long from, long to) {
    ArrayDeque<Object> held = holds.get(link(from, to));
    return held == null ? 0 : held.size();
  }

  private Link link(long from, long to) {
    requireMember(from);
    requireMember(to);
    if (from == to) {
      throw new IllegalArgumentException("a link needs two different members: " + from);
    }
    return new Link(from, to);
  }

  private void requireMember(long id) {
    if (!receivers.containsKey(id)) {
      throw new IllegalArgumentException("unknown member id: " + id);
    }
  }

  private static Latency latencyOf(Duration base, Duration jitter) {
    return new Latency(SimClock.nonNegativeNanos(base, "latency"),
        SimClock.nonNegativeNanos(jitter, "jitter"));
  }

  private static double probability(double p, String name) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw new IllegalArgumentException(name + " must be within [0, 1]: " + p);
    }
    return p;
  }
}
