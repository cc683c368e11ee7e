package dev.fakeetcd.internal.raft;

import static dev.fakeetcd.internal.raft.TestNetwork.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.raft.raftpb.ConfChange;
import dev.fakeetcd.internal.raft.raftpb.ConfChangeType;
import dev.fakeetcd.internal.raft.raftpb.ConfState;
import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryRaftStorageTest {

  private static MemoryRaftStorage withEntries(long... terms) {
    MemoryRaftStorage s = new MemoryRaftStorage();
    for (int i = 0; i < terms.length; i++) {
      s.append(List.of(Entry.normal(terms[i], i + 1, bytes("e" + (i + 1)))));
    }
    return s;
  }

  @Test
  void append_replacesEntryAtSameIndexAndEverythingAfterIt() {
    MemoryRaftStorage s = withEntries(1, 1, 1, 1);

    s.append(List.of(Entry.normal(2, 3, bytes("new"))));

    assertThat(s.lastIndex()).isEqualTo(3);
    assertThat(s.term(3)).isEqualTo(2);
    assertThat(s.entries(1, 4, Long.MAX_VALUE)).extracting(Entry::term).containsExactly(1L, 1L, 2L);
  }

  @Test
  void append_withGapIsRejected() {
    MemoryRaftStorage s = withEntries(1);

    assertThatThrownBy(() -> s.append(List.of(Entry.normal(1, 3, null))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void compact_discardsEntriesButKeepsTermOfLastCompacted() {
    MemoryRaftStorage s = withEntries(1, 2, 3, 4);
    s.createSnapshot(3, ConfState.ofVoters(List.of(1L)), bytes("sm"));

    s.compact(2);

    assertThat(s.firstIndex()).isEqualTo(3);
    assertThat(s.term(2)).isEqualTo(2);
    assertThat(s.entries(3, 5, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(3L, 4L);
    assertThatThrownBy(() -> s.entries(2, 4, Long.MAX_VALUE)).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void compact_beyondSnapshotIsRejected() {
    MemoryRaftStorage s = withEntries(1, 1, 1);
    s.createSnapshot(1, ConfState.ofVoters(List.of(1L)), null);

    assertThatThrownBy(() -> s.compact(2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void createSnapshot_recordsTermAndDataOfIndex() {
    MemoryRaftStorage s = withEntries(1, 2, 2);

    Snapshot snap = s.createSnapshot(2, ConfState.ofVoters(List.of(1L, 2L)), bytes("state"));

    assertThat(snap).isEqualTo(
        new Snapshot(2, 2, ConfState.ofVoters(List.of(1L, 2L)), bytes("state")));
    assertThat(s.snapshot()).isEqualTo(snap);
    assertThat(s.lastIndex()).isEqualTo(3); // the log is untouched until compact()
  }

  @Test
  void createSnapshot_notNewerThanCurrentIsRejected() {
    MemoryRaftStorage s = withEntries(1, 1, 1);
    s.createSnapshot(2, ConfState.EMPTY, null);

    assertThatThrownBy(() -> s.createSnapshot(2, ConfState.EMPTY, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void applySnapshot_replacesWholeLog() {
    MemoryRaftStorage s = withEntries(1, 1, 1);

    s.applySnapshot(new Snapshot(10, 4, ConfState.EMPTY, bytes("x")));

    assertThat(s.firstIndex()).isEqualTo(11);
    assertThat(s.lastIndex()).isEqualTo(10);
    assertThat(s.term(10)).isEqualTo(4);
  }

  @Test
  void entries_stopAtMaxSizeButReturnAtLeastOne() {
    MemoryRaftStorage s = withEntries(1, 1, 1);
    long one = Entry.normal(1, 1, bytes("e1")).size();

    assertThat(s.entries(1, 4, 0)).hasSize(1);
    assertThat(s.entries(1, 4, 2 * one)).hasSize(2);
  }

  @Test
  void confChange_encodeDecodeRoundTrips() {
    ConfChange cc = new ConfChange(ConfChangeType.ADD_LEARNER_NODE, 42, bytes("{\"name\":\"m4\"}"));

    assertThat(ConfChange.decode(cc.encode())).isEqualTo(cc);
  }
}
