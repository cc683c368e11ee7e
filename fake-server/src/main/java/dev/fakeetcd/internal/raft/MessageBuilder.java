package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.MessageType;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.List;

/**
 * Builds one outgoing {@link Message}: the fields its type uses are set by name, the rest stay
 * 0 / false / empty / {@code null}.
 */
final class MessageBuilder {

  private final MessageType type;
  private final long from;
  private final long to;
  private long term;
  private long logTerm;
  private long index;
  private List<Entry> entries = List.of();
  private long commit;
  private Snapshot snapshot;
  private boolean reject;
  private long rejectHint;
  private byte[] context;

  MessageBuilder(MessageType type, long from, long to, long term) {
    this.type = type;
    this.from = from;
    this.to = to;
    this.term = term;
  }

  MessageBuilder term(long t) {
    term = t;
    return this;
  }

  MessageBuilder logTerm(long t) {
    logTerm = t;
    return this;
  }

  MessageBuilder index(long i) {
    index = i;
    return this;
  }

  MessageBuilder entries(List<Entry> e) {
    entries = e;
    return this;
  }

  MessageBuilder commit(long c) {
    commit = c;
    return this;
  }

  MessageBuilder snapshot(Snapshot s) {
    snapshot = s;
    return this;
  }

  MessageBuilder reject(boolean r) {
    reject = r;
    return this;
  }

  MessageBuilder rejectHint(long h) {
    rejectHint = h;
    return this;
  }

  MessageBuilder context(byte[] c) {
    context = c;
    return this;
  }

  Message build() {
    return new Message(
        type, from, to, term, logTerm, index, entries, commit, snapshot, reject, rejectHint,
        context);
  }
}
