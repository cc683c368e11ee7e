package dev.fakeetcd.internal.sim;

import dev.fakeetcd.VirtualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * The simulation's only notion of time, and its scheduler: one queue of timers ordered by
 * (virtual time, sequence number). Nothing here reads the wall clock or starts a thread; time
 * moves only when {@link #advance}, {@link #autoAdvance} or {@link #syncTo} moves it.
 *
 * <p>Every method holds this clock's monitor, and the etcd server uses the same monitor as its
 * cluster lock, so a test thread moving time never interleaves with the server's threads. Timers
 * run on the thread that moves time, holding the monitor. What must not run under it (answers to
 * clients) a timer hands to {@link #whenReleased}: the thread that moved time runs it once it has
 * let go of the monitor, before its call returns.
 */
public final class SimClock {

  /** The instant virtual time zero maps to: fixed, so that rendered instants are reproducible. */
  static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");

  /** Events run at one instant before the clock concludes that the simulation cannot settle. */
  static final int MAX_EVENTS_PER_INSTANT = 1_000_000;

  private static final Comparator<Timer> ORDER =
      Comparator.<Timer>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.seq);

  private final VirtualClock.Mode mode;
  private final PriorityQueue<Timer> queue = new PriorityQueue<>(ORDER);
  private long nowNanos;
  /** {@link #nowNanos} for readers that must not wait for the monitor ({@link #lastNanos}). */
  private volatile long publishedNanos;
  private long nextSeq;
  private boolean running;
  private long lastSyncedElapsedNanos;
  /** Per thread: how many of this clock's sections it is in, and what waits for their end. */
  private final ThreadLocal<Sections> sections = ThreadLocal.withInitial(Sections::new);

  private static final class Sections {
    int depth;
    final ArrayDeque<Deferred> released = new ArrayDeque<>();
  }

  private record Deferred(Runnable task, Executor otherwise) {
  }

  SimClock(VirtualClock.Mode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  public VirtualClock.Mode mode() {
    return mode;
  }

  /** The current virtual instant: {@link #EPOCH} plus the virtual time elapsed. */
  public synchronized Instant now() {
    return EPOCH.plusNanos(nowNanos);
  }

  /** Virtual nanoseconds since the clock was created; a ticker face. */
  public synchronized long nanos() {
    return nowNanos;
  }

  /**
   * Virtual nanoseconds as last moved, without taking the monitor: for labels on records made on
   * threads that must not wait for the cluster lock (the recorded history's).
   */
  public long lastNanos() {
    return publishedNanos;
  }

  /** Virtual milliseconds since the clock was created. */
  public synchronized long millis() {
    return nowNanos / 1_000_000L;
  }

  /** This clock seen as a {@link java.time.Clock} in UTC, for code that takes one. */
  public Clock asClock() {
    return new ClockFace(ZoneOffset.UTC);
  }

  /**
   * Whether a timer is running now (on the thread holding this clock's monitor, if the caller
   * does).
   */
  public synchronized boolean isRunning() {
    return running;
  }

  /** Number of timers scheduled and neither run nor cancelled. */
  synchronized int pendingTimers() {
    return queue.size();
  }

  /**
   * Runs {@code task} once, {@code delay} after now. A zero delay still goes through the queue,
   * after everything already due now, so ordering stays deterministic and recursion bounded.
   */
  public synchronized Timer schedule(Duration delay, Runnable task) {
    long delayNanos = nonNegativeNanos(delay, "delay");
    Objects.requireNonNull(task, "task");
    Timer timer = new Timer(Math.addExact(nowNanos, delayNanos), nextSeq++, task);
    queue.add(timer);
    return timer;
  }

  /**
   * Moves time forward by {@code duration}, running every timer due within it in order, including
   * timers that those timers schedule inside the window. Time ends exactly {@code duration} later.
   */
  public void advance(Duration duration) {
    long delta = nonNegativeNanos(duration, "duration");
    locked(() -> {
      requireNotRunning("advance");
      runThrough(Math.addExact(nowNanos, delta));
    });
  }

  /**
   * Runs every timer due now, including those scheduled for now while running. Called from inside
   * a timer it does nothing: the running loop reaches those timers anyway.
   */
  public void runUntilIdle() {
    locked(() -> {
      if (!running) {
        runThrough(nowNanos);
      }
    });
  }

  /**
   * In {@link VirtualClock.Mode#AUTO_ADVANCE}: while {@code stillWaiting} holds and the simulation
   * is idle, jumps to the next due timer and runs it, never further than {@code maxJump} beyond the
   * time of the call. In other modes only runs what is due now. Returns whether the wait is over,
   * that is whether {@code stillWaiting} is false at the end.
   */
  public boolean autoAdvance(BooleanSupplier stillWaiting, Duration maxJump) {
    Objects.requireNonNull(stillWaiting, "stillWaiting");
    long jump = nonNegativeNanos(maxJump, "maxJump");
    boolean[] over = {true};
    locked(() -> {
      long limit = Math.addExact(nowNanos, jump);
      requireNotRunning("autoAdvance");
      runThrough(nowNanos);
      while (stillWaiting.getAsBoolean()) {
        if (!jumpToNextTimer(limit)) {
          over[0] = false;
          return;
        }
      }
    });
    return over[0];
  }

  /**
   * One step of {@link #autoAdvance}, for a caller that releases this clock's monitor between
   * steps: in {@link VirtualClock.Mode#AUTO_ADVANCE}, if the simulation is idle and the next timer
   * is due no later than {@code limitNanos} (virtual nanoseconds, as {@link #nanos}), jumps to it
   * and runs everything due at that instant. Returns whether it did; in other modes it never does.
   */
  public boolean jumpToNextTimer(long limitNanos) {
    boolean[] jumped = {false};
    locked(() -> {
      requireNotRunning("jumpToNextTimer");
      Timer next = queue.peek();
      if (mode == VirtualClock.Mode.AUTO_ADVANCE && next != null && next.dueNanos <= limitNanos) {
        runThrough(Math.max(next.dueNanos, nowNanos));
        jumped[0] = true;
      }
    });
    return jumped[0];
  }

  /**
   * In {@link VirtualClock.Mode#WALL_CLOCK}: the driver reports the real nanoseconds elapsed since
   * it started; virtual time moves forward by the real time elapsed since the previous report.
   */
  public void syncTo(long elapsedNanos) {
    if (mode != VirtualClock.Mode.WALL_CLOCK) {
      throw new IllegalStateException("syncTo needs mode WALL_CLOCK, clock is " + mode);
    }
    locked(() -> {
      if (elapsedNanos < lastSyncedElapsedNanos) {
        throw new IllegalArgumentException(
            "elapsedNanos went backwards: " + elapsedNanos + " < " + lastSyncedElapsedNanos);
      }
      requireNotRunning("syncTo");
      long delta = elapsedNanos - lastSyncedElapsedNanos;
      lastSyncedElapsedNanos = elapsedNanos;
      runThrough(Math.addExact(nowNanos, delta));
    });
  }

  /**
   * Runs {@code section} holding this clock's monitor; when the calling thread lets go of the
   * monitor at the end of it (it may hold it from an outer section), runs what was handed to
   * {@link #whenReleased} meanwhile, in order. Every method here that runs timers is such a
   * section.
   */
  public void locked(Runnable section) {
    Sections mine = sections.get();
    mine.depth++;
    try {
      synchronized (this) {
        section.run();
      }
    } finally {
      if (--mine.depth == 0) {
        runReleased(mine);
      }
    }
  }

  private void runReleased(Sections mine) {
    boolean stillHeld = Thread.holdsLock(this); // by an enclosing synchronized block
    RuntimeException first = null;
    Deferred next;
    while ((next = mine.released.poll()) != null) {
      try {
        if (stillHeld) {
          next.otherwise().execute(next.task());
        } else {
          next.task().run();
        }
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Runs {@code task} once the calling thread no longer holds this clock's monitor: at once if it
   * does not; at the end of its outermost {@link #locked} section (which every method here that
   * runs timers is) if it is in one; otherwise, holding the monitor by other means, on
   * {@code otherwise}.
   */
  public void whenReleased(Runnable task, Executor otherwise) {
    if (!Thread.holdsLock(this)) {
      task.run();
      return;
    }
    Sections mine = sections.get();
    if (mine.depth > 0) {
      mine.released.add(new Deferred(task, otherwise));
    } else {
      otherwise.execute(task);
    }
  }

  private void runThrough(long target) {
    running = true;
    int atThisInstant = 0;
    try {
      Timer next;
      while ((next = queue.peek()) != null && next.dueNanos <= target) {
        queue.poll();
        if (next.dueNanos == nowNanos) {
          if (++atThisInstant > MAX_EVENTS_PER_INSTANT) {
            throw new IllegalStateException("more than " + MAX_EVENTS_PER_INSTANT
                + " events at virtual time " + nowNanos + " ns: the simulation does not settle");
          }
        } else {
          atThisInstant = 1;
          nowNanos = next.dueNanos;
          publishedNanos = nowNanos;
        }
        next.fired = true;
        next.task.run();
      }
      nowNanos = target;
      publishedNanos = target;
    } finally {
      running = false;
    }
  }

  private void requireNotRunning(String what) {
    if (running) {
      throw new IllegalStateException(what + " called from inside a timer");
    }
  }

  static long nonNegativeNanos(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + duration);
    }
    return duration.toNanos();
  }

  /** A scheduled task; cancel it to keep it from running. */
  public final class Timer {
    private final long dueNanos;
    private final long seq;
    private final Runnable task;
    private boolean fired;
    private boolean cancelled;

    private Timer(long dueNanos, long seq, Runnable task) {
      this.dueNanos = dueNanos;
      this.seq = seq;
      this.task = task;
    }

    /** Returns true if this call kept the timer from running. */
    public boolean cancel() {
      synchronized (SimClock.this) {
        if (fired || cancelled) {
          return false;
        }
        cancelled = true;
        queue.remove(this);
        return true;
      }
    }

    public boolean isPending() {
      synchronized (SimClock.this) {
        return !fired && !cancelled;
      }
    }

    /** The virtual time, in nanoseconds since the clock was created, at which it runs. */
    public long dueNanos() {
      return dueNanos;
    }
  }

  private final class ClockFace extends Clock {
    private final ZoneId zone;

    ClockFace(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
      return new ClockFace(Objects.requireNonNull(newZone, "zone"));
    }

    @Override
    public Instant instant() {
      return now();
    }

    @Override
    public long millis() {
      return EPOCH.toEpochMilli() + SimClock.this.millis();
    }

    @Override
    public String toString() {
      return "SimClock[" + now() + "," + zone + "]";
    }
  }
}
