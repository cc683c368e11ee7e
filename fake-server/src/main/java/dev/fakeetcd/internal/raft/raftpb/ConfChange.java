package dev.fakeetcd.internal.raft.raftpb;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A single-step membership change (etcd's ConfChange v1). {@code context} is opaque host data
 * carried through the log (etcd puts the member's attributes there); it is copied on
 * construction and by its accessor, and takes part in equality. {@code id} is the proposer's
 * request id (0: none), by which it recognises its change when it applies it.
 */
public record ConfChange(ConfChangeType type, long nodeId, byte[] context, long id) {

  public ConfChange {
    if (type == null) {
      throw new IllegalArgumentException("type");
    }
    if (nodeId == 0) {
      throw new IllegalArgumentException("node id 0 is reserved");
    }
    context = context == null ? new byte[0] : context.clone();
  }

  public ConfChange(ConfChangeType type, long nodeId, byte[] context) {
    this(type, nodeId, context, 0);
  }

  /** This change as proposed under request id {@code requestId}. */
  public ConfChange withId(long requestId) {
    return new ConfChange(type, nodeId, context, requestId);
  }

  /** A copy of the bytes (the record stays immutable, so messages can be shared and duplicated). */
  public byte[] context() {
    return context.clone();
  }

  public static ConfChange addNode(long nodeId) {
    return new ConfChange(ConfChangeType.ADD_NODE, nodeId, null);
  }

  public static ConfChange addLearner(long nodeId) {
    return new ConfChange(ConfChangeType.ADD_LEARNER_NODE, nodeId, null);
  }

  public static ConfChange removeNode(long nodeId) {
    return new ConfChange(ConfChangeType.REMOVE_NODE, nodeId, null);
  }

  public static ConfChange updateNode(long nodeId) {
    return new ConfChange(ConfChangeType.UPDATE_NODE, nodeId, null);
  }

  /** The bytes stored in a {@link EntryType#CONF_CHANGE} entry. */
  public byte[] encode() {
    return ByteBuffer.allocate(17 + context.length)
        .put((byte) type.ordinal()).putLong(nodeId).putLong(id).put(context).array();
  }

  /** Reads the data of a {@link EntryType#CONF_CHANGE} entry. */
  public static ConfChange decode(byte[] data) {
    if (data.length < 17 || data[0] < 0 || data[0] >= ConfChangeType.values().length) {
      throw new IllegalArgumentException("not an encoded ConfChange (" + data.length + " bytes)");
    }
    ByteBuffer buf = ByteBuffer.wrap(data);
    ConfChangeType type = ConfChangeType.values()[buf.get()];
    long nodeId = buf.getLong();
    long id = buf.getLong();
    byte[] context = new byte[buf.remaining()];
    buf.get(context);
    return new ConfChange(type, nodeId, context, id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfChange c && c.type == type && c.nodeId == nodeId && c.id == id
        && Arrays.equals(c.context, context);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + Long.hashCode(nodeId)) * 31 + Arrays.hashCode(context);
  }

  @Override
  public String toString() {
    return "ConfChange[" + type + " " + nodeId + " id=" + id + " ctx=" + context.length + "B]";
  }
}
