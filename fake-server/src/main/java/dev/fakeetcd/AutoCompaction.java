package dev.fakeetcd;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd's auto-compaction ({@code --auto-compaction-mode}, {@code --auto-compaction-retention}), run
 * by the leader on the virtual clock. Periodic: every tenth of the retention (of an hour if longer)
 * the current revision is noted; a retention after start, then every hour (or retention, if
 * shorter), the history is compacted at the oldest note, the revision of about one retention ago.
 * Revision: every 5 minutes the history is compacted at the current revision minus the retention.
 */
public final class AutoCompaction {

  /** etcd's compaction modes. */
  public enum Mode {
    /** etcd's {@code periodic}: keeps the history of the retention's time span. */
    PERIODIC,
    /** etcd's {@code revision}: keeps the retention's count of revisions. */
    REVISION
  }

  /** One number-and-unit part of a Go duration ({@code time.ParseDuration}). */
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");

  private final Mode mode;
  private final long retention;

  private AutoCompaction(Mode mode, long retention) {
    this.mode = mode;
    this.retention = retention;
  }

  /** Keeps about {@code retention} of history; at least 10 ns (etcd samples every tenth). */
  public static AutoCompaction periodic(Duration retention) {
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("periodic auto-compaction retention must be positive: "
          + retention);
    }
    if (retention.toNanos() < 10) {
      throw new IllegalArgumentException(
          "periodic auto-compaction retention must be at least 10ns: " + retention);
    }
    return new AutoCompaction(Mode.PERIODIC, retention.toNanos());
  }

  /** Keeps the last {@code revisions} revisions. */
  public static AutoCompaction revision(long revisions) {
    if (revisions < 1) {
      throw new IllegalArgumentException("revision auto-compaction retention must be positive: "
          + revisions);
    }
    return new AutoCompaction(Mode.REVISION, revisions);
  }

  /**
   * etcd's flags: {@code mode} {@code periodic} or {@code revision}; {@code retention} a count (of
   * hours in periodic mode) or, periodic only, a duration such as {@code 30m}, {@code 1h30m}
   * (Go's duration syntax). A retention of 0 means off, as in etcd.
   *
   * @throws IllegalArgumentException naming the value that is not understood
   */
  public static Optional<AutoCompaction> parse(String mode, String retention) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(retention, "retention");
    String r = retention.trim();
    if (!mode.equals("periodic") && !mode.equals("revision")) {
      throw new IllegalArgumentException("unknown auto-compaction mode \"" + mode + "\"");
    }
    if (r.matches("[0-9]+")) {
      long n = Long.parseLong(r);
      if (n == 0) {
        return Optional.empty();
      }
      return Optional.of(mode.equals("revision") ? revision(n) : periodic(Duration.ofHours(n)));
    }
    if (mode.equals("revision")) {
      throw new IllegalArgumentException(
          "revision auto-compaction retention must be a count of revisions: \"" + retention + "\"");
    }
    return Optional.of(periodic(parseDuration(r)));
  }

  private static Duration parseDuration(String text) {
    // Go's time.ParseDuration for the units that make sense here.
    Matcher m = GO_DURATION_PART.matcher(text);
    boolean negative = text.startsWith("-");
    int at = negative ? 1 : 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < text.length() && m.find(at) && m.start() == at) {
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    if (at != text.length() || at == (negative ? 1 : 0)) {
      throw new IllegalArgumentException("auto-compaction retention is no duration: \"" + text
          + "\"");
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return negative ? d.negated() : d;
  }

  /** Which of etcd's modes: by time or by revision count. */
  public Mode mode() {
    return mode;
  }

  /** Periodic mode: the retention. */
  public Duration period() {
    if (mode != Mode.PERIODIC) {
      throw new IllegalStateException("revision auto-compaction has no period");
    }
    return Duration.ofNanos(retention);
  }

  /** Revision mode: how many revisions are kept. */
  public long revisions() {
    if (mode != Mode.REVISION) {
      throw new IllegalStateException("periodic auto-compaction keeps no revision count");
    }
    return retention;
  }

  /** etcd's mode string and the retention as its compactor takes it (nanoseconds or a count). */
  String etcdMode() {
    return mode == Mode.PERIODIC ? "periodic" : "revision";
  }

  long rawRetention() {
    return retention;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AutoCompaction a && a.mode == mode && a.retention == retention;
  }

  @Override
  public int hashCode() {
    return mode.hashCode() * 31 + Long.hashCode(retention);
  }

  @Override
  public String toString() {
    return mode == Mode.PERIODIC ? "periodic " + period() : "revision " + retention;
  }
}
