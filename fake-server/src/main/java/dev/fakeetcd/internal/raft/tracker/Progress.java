package dev.fakeetcd.internal.raft.tracker;

import java.util.ArrayDeque;

/** The leader's mutable bookkeeping for one peer (etcd's tracker.Progress). */
public final class Progress {

  public long match;
  public long next;
  public ProgressState state = ProgressState.PROBE;
  /** In SNAPSHOT state: the index of the snapshot sent. */
  public long pendingSnapshot;
  /** In SNAPSHOT state: a check round has passed since the snapshot was sent. */
  public boolean snapshotOverdue;
  public boolean recentActive;
  /** In PROBE state: an append is outstanding, so wait for its answer (or a heartbeat response). */
  public boolean probeSent;
  public boolean learner;
  /** Last indexes of the appends sent in REPLICATE state and not yet acknowledged, oldest first. */
  private final ArrayDeque<Long> inflights = new ArrayDeque<>();
  private final int maxInflight;

  public Progress(long next, boolean learner, int maxInflight) {
    this.next = next;
    this.learner = learner;
    this.maxInflight = maxInflight;
  }

  private void resetState(ProgressState newState) {
    probeSent = false;
    pendingSnapshot = 0;
    snapshotOverdue = false;
    state = newState;
    inflights.clear();
  }

  public void becomeProbe() {
    // After a snapshot, resume right after it: the follower has it or will report failure.
    long resume =
        state == ProgressState.SNAPSHOT ? Math.max(match + 1, pendingSnapshot + 1) : match + 1;
    resetState(ProgressState.PROBE);
    next = resume;
  }

  public void becomeReplicate() {
    resetState(ProgressState.REPLICATE);
    next = match + 1;
  }

  public void becomeSnapshot(long snapshotIndex) {
    resetState(ProgressState.SNAPSHOT);
    pendingSnapshot = snapshotIndex;
  }

  /** The peer acknowledged {@code index}; returns whether match advanced. */
  public boolean maybeUpdate(long index) {
    boolean updated = false;
    if (match < index) {
      match = index;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /**
   * The peer rejected an append whose previous index was {@code rejected}; {@code hint} is where
   * its log may match. Returns false for a stale rejection.
   */
  public boolean maybeDecrTo(long rejected, long hint) {
    if (state == ProgressState.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
      next = match + 1;
      return true;
    }
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, hint + 1), match + 1);
    probeSent = false;
    return true;
  }

  /** Records an append carrying entries up to {@code lastIndex}. */
  public void sentEntries(long lastIndex) {
    if (state == ProgressState.REPLICATE) {
      next = lastIndex + 1;
      inflights.addLast(lastIndex);
    } else if (state == ProgressState.PROBE) {
      probeSent = true;
    }
  }

  public boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.size() >= maxInflight;
      case SNAPSHOT -> true;
    };
  }

  public boolean inflightFull() {
    return inflights.size() >= maxInflight;
  }

  /** Frees the inflight slots of appends up to {@code index}. */
  public void freeInflightsUpTo(long index) {
    while (!inflights.isEmpty() && inflights.peekFirst() <= index) {
      inflights.removeFirst();
    }
  }

  public void freeFirstInflight() {
    inflights.pollFirst();
  }

  public PeerProgress view() {
    return new PeerProgress(match, next, state, learner, recentActive);
  }
}
