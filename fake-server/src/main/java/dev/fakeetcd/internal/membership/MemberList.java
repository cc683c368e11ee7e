package dev.fakeetcd.internal.membership;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfChangeType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One member's applied member list, as etcd 3.4 keeps a {@code RaftCluster} per member: changed
 * when that member applies a membership change, carried by its Raft snapshots and rebuilt on
 * restart from its snapshot and log. Every member's list is the same function of the log, so lists
 * at the same applied index are equal.
 */
public final class MemberList {

  /** What a change's context says it does (ADD_NODE both adds and promotes, as in etcd). */
  public static final byte ADD = 'a';
  public static final byte PROMOTE = 'p';
  public static final byte REMOVE = 'r';
  public static final byte UPDATE = 'u';

  /**
   * Peer URLs as stored (a MemberUpdate's as given, in their order) and learner flag; a bootstrap
   * member never updated has no URLs of its own here: the server knows them.
   */
  public record Info(List<String> peerUrls, boolean learner, boolean bootstrap) {

    static Info of(List<String> peerUrls, boolean learner) {
      return new Info(peerUrls, learner, false);
    }
  }

  private static final Info BOOTSTRAP = new Info(List.of(), false, true);

  /** By ID as etcd orders them: unsigned. */
  private final TreeMap<Long, Info> members = new TreeMap<>(Long::compareUnsigned);
  /** etcd never reuses an ID: re-adding the same URLs within the same second is refused. */
  private final TreeSet<Long> removed = new TreeSet<>();

  public MemberList() {
  }

  /** The list of a cluster bootstrapped with {@code voters}. */
  public static MemberList bootstrap(List<Long> voters) {
    MemberList list = new MemberList();
    for (long id : voters) {
      list.members.put(id, BOOTSTRAP);
    }
    return list;
  }

  public Info get(long id) {
    return members.get(id);
  }

  public boolean contains(long id) {
    return members.containsKey(id);
  }

  public boolean isLearner(long id) {
    Info info = members.get(id);
    return info != null && info.learner();
  }

  public boolean wasRemoved(long id) {
    return removed.contains(id);
  }

  /** Member IDs in etcd's order; read-only. */
  public Set<Long> ids() {
    return members.keySet();
  }

  public Iterable<Map.Entry<Long, Info>> entries() {
    return members.entrySet();
  }

  /**
   * Applies an admitted change; one without context is the initial configuration's (a bootstrap
   * voter).
   */
  public void apply(ConfChange change) {
    long id = change.nodeId();
    byte[] context = change.context();
    if (context.length == 0) {
      members.put(id, BOOTSTRAP);
      return;
    }
    switch (context[0]) {
      case ADD -> members.put(id,
          Info.of(urls(context), change.type() == ConfChangeType.ADD_LEARNER_NODE));
      case PROMOTE -> members.put(id, Info.of(members.get(id).peerUrls(), false));
      case REMOVE -> {
        members.remove(id);
        removed.add(id);
      }
      // As etcd 3.4's: the stored member loses its learner flag, though Raft keeps it a learner.
      case UPDATE -> members.put(id, Info.of(urls(context), false));
      default -> throw new IllegalStateException("unknown membership change kind " + context[0]);
    }
  }

  /**
   * etcd puts the member's JSON in the change; here: what the change does, then each peer URL's
   * length and UTF-8 bytes (a MemberUpdate's URLs may hold any text, empty ones too).
   */
  public static byte[] context(byte kind, List<String> urls) {
    List<byte[]> texts = urls.stream().map(u -> u.getBytes(StandardCharsets.UTF_8)).toList();
    ByteBuffer context = ByteBuffer.allocate(
        1 + texts.stream().mapToInt(t -> Integer.BYTES + t.length).sum()).put(kind);
    texts.forEach(t -> context.putInt(t.length).put(t));
    return context.array();
  }

  public static List<String> urls(byte[] context) {
    ByteBuffer in = ByteBuffer.wrap(context, 1, context.length - 1);
    List<String> urls = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] text = new byte[in.getInt()];
      in.get(text);
      urls.add(new String(text, StandardCharsets.UTF_8));
    }
    return List.copyOf(urls);
  }

  public MemberList copy() {
    MemberList copy = new MemberList();
    copy.members.putAll(members);
    copy.removed.addAll(removed);
    return copy;
  }

  public void writeTo(CodedOutputStream out) throws IOException {
    out.writeUInt32NoTag(members.size());
    for (Map.Entry<Long, Info> e : members.entrySet()) {
      out.writeFixed64NoTag(e.getKey());
      out.writeBoolNoTag(e.getValue().learner());
      out.writeBoolNoTag(e.getValue().bootstrap());
      out.writeUInt32NoTag(e.getValue().peerUrls().size());
      for (String url : e.getValue().peerUrls()) {
        out.writeStringNoTag(url);
      }
    }
    out.writeUInt32NoTag(removed.size());
    for (long id : removed) {
      out.writeFixed64NoTag(id);
    }
  }

  public static MemberList readFrom(CodedInputStream in) throws IOException {
    MemberList list = new MemberList();
    for (int n = in.readUInt32(); n > 0; n--) {
      long id = in.readFixed64();
      boolean learner = in.readBool();
      boolean bootstrap = in.readBool();
      List<String> urls = new ArrayList<>();
      for (int u = in.readUInt32(); u > 0; u--) {
        urls.add(in.readString());
      }
      list.members.put(id, new Info(List.copyOf(urls), learner, bootstrap));
    }
    for (int n = in.readUInt32(); n > 0; n--) {
      list.removed.add(in.readFixed64());
    }
    return list;
  }
}
