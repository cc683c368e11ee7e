package dev.fakeetcd.internal.raft.raftpb;

import java.util.Arrays;

/**
 * A snapshot of the host state machine at log position {@code index} (whose entry had
 * {@code term}), together with the configuration in force at that index. {@code data} is the
 * host's opaque state-machine image; it is copied on construction and by its accessor, and takes
 * part in equality. An index of 0 means "no snapshot".
 */
public record Snapshot(long index, long term, ConfState confState, byte[] data) {

  private static final byte[] NONE = new byte[0];

  /** No snapshot. */
  public static final Snapshot EMPTY = new Snapshot(0, 0, ConfState.EMPTY, NONE);

  public Snapshot {
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("negative index or term: " + index + "/" + term);
    }
    if (confState == null) {
      throw new IllegalArgumentException("confState");
    }
    data = data == null || data.length == 0 ? NONE : data.clone();
  }

  /** A copy of the bytes (the record stays immutable, so messages can be shared and duplicated). */
  public byte[] data() {
    return data.clone();
  }

  /** Whether this is "no snapshot". */
  public boolean isEmpty() {
    return index == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s && s.index == index && s.term == term
        && s.confState.equals(confState) && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(index) * 31 + Long.hashCode(term)) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Snapshot[" + term + "/" + index + " " + confState + " " + data.length + "B]";
  }
}
