package dev.fakeetcd.internal.raft.raftpb;

import java.util.Arrays;

/**
 * One log entry. {@code data} is copied on construction and by its accessor, so an entry is
 * immutable and can be shared by the log, the storage and messages; equality compares the bytes.
 */
public record Entry(long term, long index, EntryType type, byte[] data) {

  private static final byte[] NONE = new byte[0];

  public Entry {
    if (term < 0 || index < 0) {
      throw new IllegalArgumentException("negative term or index: " + term + "/" + index);
    }
    if (type == null) {
      throw new IllegalArgumentException("type");
    }
    data = data == null || data.length == 0 ? NONE : data.clone();
  }

  /** A normal entry carrying {@code data}. */
  public static Entry normal(long term, long index, byte[] data) {
    return new Entry(term, index, EntryType.NORMAL, data);
  }

  /** A copy of the bytes (the record stays immutable, so messages can be shared and duplicated). */
  public byte[] data() {
    return data.clone();
  }

  /** Approximate size in bytes, used for message-size and flow-control limits. */
  public long size() {
    return data.length + 24L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && e.term == term && e.index == index && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(term) * 31 + Long.hashCode(index)) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Entry[" + term + "/" + index + " " + type + " " + data.length + "B]";
  }
}
