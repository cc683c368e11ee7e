package dev.fakeetcd.internal.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What happened in a simulation, with virtual timestamps. Only the last {@code capacity} events are
 * kept, but the digest covers every event ever recorded, so two runs can be compared byte for byte
 * however long they were. The notable events (see {@link Type#notable()}) are also kept apart, with
 * counts of the routine ones between them, so that a long run's faults and elections outlive the
 * heartbeats that follow them ({@link #summary}).
 */
public final class Trace {

  /** What kind of thing happened. */
  public enum Type {
    ELECTION("elections"), TERM("term changes"), LEADER("leader changes"), COMMIT("commits"),
    APPLY("applies"), SNAPSHOT("snapshots"), MEMBERSHIP("membership changes"),
    DELIVER("deliveries"), DROP("drops"), DUPLICATE("duplicates"), HOLD("holds"),
    FAULT("faults"), CLIENT("client events");

    private final String plural;

    Type(String plural) {
      this.plural = plural;
    }

    /**
     * Faults, elections, leader changes, membership changes and client calls; the rest is routine
     * Raft traffic that a summary counts.
     */
    boolean notable() {
      return this == FAULT || this == ELECTION || this == LEADER || this == MEMBERSHIP
          || this == CLIENT;
    }
  }

  /**
   * One recorded event. {@code member} is the member it happened on, or 0 when it concerns no
   * single member; {@code who} renders it as {@link Trace#member} does. {@code kind} is what a
   * summary counts the event as (e.g. {@code heartbeats} for a delivered heartbeat).
   */
  public record Event(long seq, long nanos, Type type, long member, String who, String kind,
      String detail) {

    public Event {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(who, "who");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(detail, "detail");
    }

    /** The canonical one-line rendering that the digest is computed over. */
    public String render() {
      StringBuilder sb = new StringBuilder(48 + detail.length());
      appendTo(sb);
      return sb.toString();
    }

    private void appendTo(StringBuilder sb) {
      sb.append(seq).append(' ');
      appendSeconds(sb, nanos);
      sb.append(' ').append(type).append(' ').append(who).append(' ').append(detail);
    }
  }

  /** Routine events folded into counts, between two notable ones. */
  private static final class Fold {
    /** Kind to count; looked up per event, sorted only when written out. */
    final Map<String, long[]> counts = new HashMap<>();
    long firstNanos;
    long lastNanos;

    boolean isEmpty() {
      return counts.isEmpty();
    }

    void add(Event e) {
      if (counts.isEmpty()) {
        firstNanos = e.nanos();
      }
      lastNanos = e.nanos();
      counts.computeIfAbsent(e.kind(), k -> new long[1])[0]++;
    }

    void appendTo(StringBuilder sb) {
      sb.append("... ");
      String sep = "";
      for (Map.Entry<String, long[]> c : new TreeMap<>(counts).entrySet()) {
        sb.append(sep).append(c.getValue()[0]).append(' ').append(c.getKey());
        sep = ", ";
      }
      sb.append(firstNanos == lastNanos ? " at " : " between ");
      appendSeconds(sb, firstNanos);
      if (firstNanos != lastNanos) {
        sb.append(" and ");
        appendSeconds(sb, lastNanos);
      }
      sb.append('\n');
    }
  }

  /** A notable event and the routine events folded since the notable one before it. */
  private record Notable(Fold before, Event event) {
  }

  /** Characters of rendered events hashed at a time. */
  private static final int DIGEST_CHUNK = 8192;
  /** Events kept when no capacity is configured. */
  static final int DEFAULT_CAPACITY = 10_000;
  /** Notable events kept for {@link #summary}, apart from the ring of all events. */
  private static final int NOTABLE_CAPACITY = 1_000;

  private final SimClock clock;
  private final int capacity;
  private final ArrayDeque<Event> events;
  private final ArrayDeque<Notable> notable = new ArrayDeque<>();
  /** Looked up, never iterated. */
  private final Map<Long, String> labels = new HashMap<>();
  private final MessageDigest sha256;
  /**
   * Rendered lines not yet fed to {@link #sha256}: fed a few KiB at a time, as one small update per
   * event costs more than the hashing itself.
   */
  private final StringBuilder undigested = new StringBuilder();
  private Fold fold = new Fold();
  private long recorded;
  private long notableRecorded;

  Trace(SimClock clock, int capacity) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (capacity < 1) {
      throw new IllegalArgumentException("trace capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    // Grows as events come: an idle cluster records a few dozen, and a presized ring cost 4 KiB.
    this.events = new ArrayDeque<>();
    this.sha256 = newSha256();
  }

  /** How a member with this name (null if it has none) and ID is written in traces and reports. */
  public static String label(String name, long id) {
    String hex = Long.toUnsignedString(id, 16);
    return name == null ? hex : name + "(" + hex + ")";
  }

  /** Names member {@code id}: from now on events render it as {@link #label} does. */
  void name(long id, String name) {
    labels.put(id, label(Objects.requireNonNull(name, "name"), id));
  }

  boolean isNamed(long id) {
    return labels.containsKey(id);
  }

  /** Member {@code id} as events render it: name and hex ID, the ID alone if unnamed, "-" for 0. */
  public String member(long id) {
    if (id == 0) {
      return "-";
    }
    String named = labels.get(id);
    return named != null ? named : label(null, id);
  }

  /** {@code ids} rendered as {@link #member} does, in their order, as a list. */
  public String members(Collection<Long> ids) {
    List<String> rendered = new ArrayList<>(ids.size());
    for (long id : ids) {
      rendered.add(member(id));
    }
    return rendered.toString();
  }

  /** Records an event at the current virtual time, counted as its type in summaries. */
  public void record(Type type, long member, String detail) {
    record(type, member, type.plural, detail);
  }

  /** Records an event at the current virtual time, counted as {@code kind} in summaries. */
  public void record(Type type, long member, String kind, String detail) {
    Event event = new Event(recorded++, clock.nanos(), type, member, member(member), kind, detail);
    event.appendTo(undigested);
    undigested.append('\n');
    if (undigested.length() >= DIGEST_CHUNK) {
      digestPending();
    }
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(event);
    if (type.notable()) {
      if (notable.size() == NOTABLE_CAPACITY) {
        notable.removeFirst();
      }
      notable.addLast(new Notable(fold, event));
      notableRecorded++;
      fold = new Fold();
    } else {
      fold.add(event);
    }
  }

  /** The retained events, oldest first. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /** How many events were ever recorded, retained or not. */
  public long recordedCount() {
    return recorded;
  }

  /** Hex SHA-256 over the canonical rendering of every event ever recorded, one per line. */
  public String digest() {
    digestPending();
    byte[] hash;
    try {
      hash = ((MessageDigest) sha256.clone()).digest();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest is not cloneable", e);
    }
    StringBuilder hex = new StringBuilder(hash.length * 2);
    for (byte b : hash) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  private void digestPending() {
    sha256.update(undigested.toString().getBytes(StandardCharsets.UTF_8));
    undigested.setLength(0);
  }

  /** The retained events rendered one per line, for failure reports. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (Event event : events) {
      sb.append(event.render()).append('\n');
    }
    return sb.toString();
  }

  /**
   * The last {@code limit} notable events, oldest first, one per line as {@link Event#render()}
   * writes them, each preceded by a line counting, per kind, the routine events between it and the
   * notable event before; the routine events since the last notable one close the list.
   */
  public String summary(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    StringBuilder sb = new StringBuilder();
    long omitted = notableRecorded - Math.min(limit, notable.size());
    if (omitted > 0) {
      sb.append("(").append(omitted).append(" earlier notable events not shown)\n");
    }
    int skip = notable.size() - Math.min(limit, notable.size());
    for (Notable n : notable) {
      if (skip-- > 0) {
        continue;
      }
      if (!n.before().isEmpty()) {
        n.before().appendTo(sb);
      }
      sb.append(n.event().render()).append('\n');
    }
    if (!fold.isEmpty()) {
      fold.appendTo(sb);
    }
    return sb.toString();
  }

  private static void appendSeconds(StringBuilder sb, long nanos) {
    String fraction = Long.toString(nanos % 1_000_000_000L);
    sb.append(nanos / 1_000_000_000L).append('.');
    for (int i = fraction.length(); i < 9; i++) {
      sb.append('0');
    }
    sb.append(fraction).append('s');
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
