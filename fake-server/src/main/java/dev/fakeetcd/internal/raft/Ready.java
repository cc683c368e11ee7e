package dev.fakeetcd.internal.raft;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.raftpb.Message;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.List;

/**
 * Work a {@link RaftNode} hands to its host. The host must, in this order:
 * <ol>
 *   <li> {@code snapshot} (if not {@code null}), {@code hardState} (if not {@code null}) and append
 *       {@code entries} to its {@link RaftStorage} (e.g. {@link
 *       MemoryRaftStorage#persist(Ready)});</li>
 *   <li> {@code messages} (only after step 1: a vote or an acknowledgement must be durable
 *        first);</li>
 *   <li> its state machine from {@code snapshot} (if any), then apply {@code committedEntries} in
 *       order, calling {@link RaftNode#applyConfChange(ConfChange)} for each {@link
 *       EntryType#CONF_CHANGE} entry;</li>
 *   <li>serve the {@code readStates} once it has applied up to their index;</li>
 *   <li>call {@link RaftNode#advance(Ready)}.</li>
 * </ol>
 *
 * @param softState        the new leader/role, or {@code null} if unchanged since the last Ready
 * @param hardState        the new term/vote/commit, or {@code null} if unchanged
 * @param entries          entries to append to storage (an entry replaces any stored entry at its
 *                          index and the suffix after it)
 * @param snapshot         a snapshot received from the leader, to persist and restore; {@code null}
 *                          if none
 * @param committedEntries committed entries to apply, in index order
 * @param messages         messages to send
 * @param readStates       answers to ReadIndex requests
 */
public record Ready(
    SoftState softState,
    HardState hardState,
    List<Entry> entries,
    Snapshot snapshot,
    List<Entry> committedEntries,
    List<Message> messages,
    List<ReadState> readStates) {

  public Ready {
    entries = List.copyOf(entries);
    committedEntries = List.copyOf(committedEntries);
    messages = List.copyOf(messages);
    readStates = List.copyOf(readStates);
  }
}
