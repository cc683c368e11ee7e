package dev.fakeetcd.internal.sim;

import dev.fakeetcd.VirtualClock;
import java.time.Duration;
import java.util.Objects;

/** Immutable configuration of a {@link SimCluster}; build it with {@link #builder()}. */
public final class SimConfig {

  /** The system property that turns {@link #checkInvariants()} on by default. */
  static final String CHECK_INVARIANTS_PROPERTY = "fakeetcd.sim.checkInvariants";

  private final int members;
  private final Duration heartbeat;
  private final Duration election;
  private final VirtualClock.Mode clockMode;
  private final int snapshotEntries;
  private final int traceCapacity;
  private final boolean preVote;
  private final boolean checkQuorum;
  private final boolean checkInvariants;

  private SimConfig(Builder b) {
    members = b.members;
    heartbeat = b.heartbeat;
    election = b.election;
    clockMode = b.clockMode;
    snapshotEntries = b.snapshotEntries;
    traceCapacity = b.traceCapacity;
    preVote = b.preVote;
    checkQuorum = b.checkQuorum;
    checkInvariants = b.checkInvariants;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Number of voting members the cluster starts with. */
  public int members() {
    return members;
  }

  /** Virtual time between two ticks of each member (etcd's --heartbeat-interval). */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** etcd's --election-timeout; a whole number of heartbeats. */
  public Duration election() {
    return election;
  }

  int electionTicks() {
    return (int) (election.toNanos() / heartbeat.toNanos());
  }

  public VirtualClock.Mode clockMode() {
    return clockMode;
  }

  /** Applied entries after which a member snapshots its state machine and compacts its log. */
  public int snapshotEntries() {
    return snapshotEntries;
  }

  int traceCapacity() {
    return traceCapacity;
  }

  public boolean preVote() {
    return preVote;
  }

  public boolean checkQuorum() {
    return checkQuorum;
  }

  /**
   * Whether Raft's safety properties are checked at every state change (a violation throws). Off
   * unless set, or unless the system property {@code fakeetcd.sim.checkInvariants} is "true" (the
   * fake-server test suite sets it): the checker keeps every entry ever logged, so its memory grows
   * with the run.
   */
  boolean checkInvariants() {
    return checkInvariants;
  }

  /** Builder; every setter rejects a bad value at once, naming it. */
  public static final class Builder {
    private int members = 3;
    private Duration heartbeat = Duration.ofMillis(100);
    private Duration election = Duration.ofMillis(1000);
    private VirtualClock.Mode clockMode = VirtualClock.Mode.MANUAL;
    /** etcd 3.4's {@code --snapshot-count}: a snapshot encodes the whole store, so not often. */
    private int snapshotEntries = 100_000;
    private int traceCapacity = Trace.DEFAULT_CAPACITY;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private boolean checkInvariants = Boolean.getBoolean(CHECK_INVARIANTS_PROPERTY);

    private Builder() {
    }

    public Builder members(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("members must be at least 1: " + count);
      }
      members = count;
      return this;
    }

    public Builder heartbeat(Duration interval) {
      Objects.requireNonNull(interval, "heartbeat");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("heartbeat must be positive: " + interval);
      }
      heartbeat = interval;
      return this;
    }

    public Builder election(Duration timeout) {
      election = Objects.requireNonNull(timeout, "election");
      return this;
    }

    public Builder clockMode(VirtualClock.Mode mode) {
      clockMode = Objects.requireNonNull(mode, "clockMode");
      return this;
    }

    public Builder snapshotEntries(int entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("snapshotEntries must be at least 1: " + entries);
      }
      snapshotEntries = entries;
      return this;
    }

    Builder traceCapacity(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("traceCapacity must be at least 1: " + events);
      }
      traceCapacity = events;
      return this;
    }

    public Builder preVote(boolean on) {
      preVote = on;
      return this;
    }

    public Builder checkQuorum(boolean on) {
      checkQuorum = on;
      return this;
    }

    Builder checkInvariants(boolean on) {
      checkInvariants = on;
      return this;
    }

    /** Checks what depends on two values: the election timeout against the heartbeat. */
    public SimConfig build() {
      long hb = heartbeat.toNanos();
      long el = election.toNanos();
      if (el <= hb || el % hb != 0) {
        throw new IllegalArgumentException("election " + election
            + " must be a whole multiple of heartbeat " + heartbeat + ", greater than it");
      }
      return new SimConfig(this);
    }
  }
}
