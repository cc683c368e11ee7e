package dev.fakeetcd;

import dev.fakeetcd.internal.sim.SimClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A cluster's virtual time, as a test sees it: read it, move it, ask how it moves. Advancing runs
 * every Raft tick, lease expiry and timeout due meanwhile, on the calling thread, before returning.
 *
 * <pre>{@code cluster.clock().advance(Duration.ofSeconds(30)); // leases without keep-alive expire}</pre>
 *
 * <p>Time starts at {@code 2025-01-01T00:00:00Z} for every cluster, so instants are reproducible.
 */
public final class VirtualClock {

  /** How virtual time is allowed to move. */
  public enum Mode {
    /** Only {@link VirtualClock#advance} moves time; a call that needs time to pass waits for it. */
    MANUAL,
    /** As MANUAL, and a call waiting for time jumps the clock to the next timer once nothing else can run. */
    AUTO_ADVANCE,
    /** Time follows the wall clock, as for a standalone server. */
    WALL_CLOCK
  }

  private final SimClock clock;

  VirtualClock(SimClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** How this clock moves. */
  public Mode mode() {
    return clock.mode();
  }

  /** The current virtual instant. */
  public Instant now() {
    return clock.now();
  }

  /** Virtual nanoseconds since the cluster started. */
  public long nanos() {
    return clock.nanos();
  }

  /** Moves time forward by {@code duration}, running everything due within it, in order. */
  public void advance(Duration duration) {
    clock.advance(duration);
  }

  /** This clock as a {@link java.time.Clock} in UTC, for code under test that takes one. */
  public Clock asClock() {
    return clock.asClock();
  }

  @Override
  public String toString() {
    return "VirtualClock[" + mode() + ", " + now() + "]";
  }
}
