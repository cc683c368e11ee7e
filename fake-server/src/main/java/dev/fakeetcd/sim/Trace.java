package dev.fakeetcd.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * What happened in a simulation, with virtual timestamps. Only the last {@code capacity} events are
 * kept, but the digest covers every event ever recorded, so two runs can be compared byte for byte
 * however long they were.
 */
public final class Trace {

  /** What kind of thing happened. */
  public enum Type {
    ELECTION, TERM, LEADER, COMMIT, APPLY, SNAPSHOT, MEMBERSHIP,
    DELIVER, DROP, DUPLICATE, HOLD,
    FAULT, CLIENT
  }

  /**
   * One recorded event. {@code member} is the member it happened on, or 0 when it concerns no
   * single member.
   */
  public record Event(long seq, long nanos, Type type, long member, String detail) {

    public Event {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(detail, "detail");
    }

    /** The canonical one-line rendering that the digest is computed over. */
    public String render() {
      StringBuilder sb = new StringBuilder(48 + detail.length());
      sb.append(seq).append(' ');
      appendSeconds(sb, nanos);
      sb.append(' ').append(type).append(' ').append(member).append(' ').append(detail);
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
  }

  /** Events kept when no capacity is configured. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final VirtualClock clock;
  private final int capacity;
  private final ArrayDeque<Event> events;
  private final MessageDigest sha256;
  private long recorded;

  Trace(VirtualClock clock, int capacity) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (capacity < 1) {
      throw new IllegalArgumentException("trace capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.events = new ArrayDeque<>(Math.min(capacity, 1024));
    this.sha256 = newSha256();
  }

  /** Records an event at the current virtual time. */
  public void record(Type type, long member, String detail) {
    Event event = new Event(recorded++, clock.nanos(), type, member, detail);
    sha256.update(event.render().getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) '\n');
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(event);
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

  /** The retained events rendered one per line, for failure reports. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (Event event : events) {
      sb.append(event.render()).append('\n');
    }
    return sb.toString();
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
