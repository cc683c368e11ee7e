package dev.fakeetcd.internal.history;

import com.google.protobuf.ByteString;

/** How violation messages name operations, keys and times. */
final class Describe {

  private Describe() {
  }

  /**
   * E.g. {@code KV/Put #3 on member 8e9e05c52164694d (seq 10..12, 1.200000000 s)}: the method, the
   * operation's id (the timeline finds {@code #<id> on member} in a violation to highlight it), its
   * member, its interval in the global order ({@code ?} when never answered) and its invocation's
   * virtual time.
   */
  static String operation(Operation op) {
    String method = op.method().substring(op.method().indexOf('.') + 1);
    String end = op.completeSeq() == Long.MAX_VALUE ? "?" : Long.toString(op.completeSeq());
    return method + " #" + op.id() + " on member " + member(op.member()) + " (seq "
        + op.invokeSeq() + ".." + end + ", " + seconds(op.invokeNanos()) + ")";
  }

  static String member(long id) {
    return Long.toHexString(id);
  }

  /** A key as text in quotes, as UTF-8 (etcd's keys are bytes, but tests' keys are text). */
  static String key(ByteString key) {
    return "\"" + key.toStringUtf8() + "\"";
  }

  static String seconds(long nanos) {
    return String.format("%d.%09d s", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
  }
}
