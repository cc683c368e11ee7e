package dev.fakeetcd.internal.raft.raftpb;

/**
 * The part of a node's state that must be durable before it sends the messages of the same
 * {@link Ready}: current term, the vote cast in that term (0 if none), and the commit index. The
 * vote is a node id, which, like etcd's unsigned member IDs, may be negative as a Java long.
 */
public record HardState(long term, long vote, long commit) {

  /** The state of a node that has never run. */
  public static final HardState EMPTY = new HardState(0, 0, 0);

  public HardState {
    if (term < 0 || commit < 0) {
      throw new IllegalArgumentException("negative field in " + term + "/" + vote + "/" + commit);
    }
  }

  /** Whether this is {@link #EMPTY}. */
  public boolean isEmpty() {
    return equals(EMPTY);
  }
}
