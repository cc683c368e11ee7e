package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.raftpb.HardState;
import dev.fakeetcd.internal.raft.MemoryRaftStorage;
import dev.fakeetcd.internal.raft.Ready;
import dev.fakeetcd.internal.raft.Role;
import dev.fakeetcd.internal.raft.SoftState;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafetyCheckerTest {

  private final SafetyChecker checker = new SafetyChecker(99);
  private final SimMember<ReplicatedList> a = new SimMember<>(1, null);
  private final SimMember<ReplicatedList> b = new SimMember<>(2, null);
  private final MemoryRaftStorage diskA = new MemoryRaftStorage();
  private final MemoryRaftStorage diskB = new MemoryRaftStorage();

  private static Entry entry(long term, long index, String data) {
    return Entry.normal(term, index, ReplicatedList.command(data));
  }

  /** Persists like a member would, then tells the checker. */
  private void persist(SimMember<?> member, MemoryRaftStorage disk, long term, Role role,
      long commit, Entry... entries) {
    Ready ready = new Ready(role == null ? null : new SoftState(member.id(), role),
        new HardState(term, 0, commit), List.of(entries), null, List.of(), List.of(), List.of());
    disk.persist(ready);
    checker.persisted(member, disk, ready, term);
  }

  @Test
  void persisted_secondLeaderInSameTermIsAViolationNamingSeed() {
    persist(a, diskA, 2, Role.LEADER, 0);
    assertThatThrownBy(() -> persist(b, diskB, 2, Role.LEADER, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("seed 99").hasMessageContaining("two leaders in term 2");
  }

  @Test
  void persisted_sameIndexAndTermWithDifferentDataBreaksLogMatching() {
    persist(a, diskA, 1, null, 0, entry(1, 1, "x"));
    assertThatThrownBy(() -> persist(b, diskB, 1, null, 0, entry(1, 1, "y")))
        .hasMessageContaining("log matching");
  }

  @Test
  void persisted_sameIndexAndTermAfterDifferentPredecessorBreaksLogMatching() {
    persist(a, diskA, 2, null, 0, entry(1, 1, "x"), entry(2, 2, "z"));
    assertThatThrownBy(() -> persist(b, diskB, 2, null, 0, entry(2, 1, "w"), entry(2, 2, "z")))
        .hasMessageContaining("log matching");
  }

  @Test
  void persisted_committedEntryReplacedByAnotherTermIsAViolation() {
    persist(a, diskA, 1, null, 1, entry(1, 1, "x"));
    assertThatThrownBy(() -> persist(b, diskB, 2, null, 1, entry(2, 1, "y")))
        .hasMessageContaining("committed entry changed");
  }

  @Test
  void persisted_newLeaderWithoutAnEarlierCommittedEntryBreaksLeaderCompleteness() {
    persist(a, diskA, 1, Role.LEADER, 1, entry(1, 1, "x"));
    assertThatThrownBy(() -> persist(b, diskB, 2, Role.LEADER, 0))
        .hasMessageContaining("leader completeness");
  }

  @Test
  void persisted_leaderOfAnOldTermNeedNotHoldLaterCommits() {
    persist(a, diskA, 3, Role.LEADER, 1, entry(3, 1, "x"));
    assertThatCode(() -> persist(b, diskB, 2, Role.LEADER, 0)).doesNotThrowAnyException();
  }

  @Test
  void applied_entryThatWasNeverCommittedIsAViolation() {
    checker.restarted(a, 0);
    persist(a, diskA, 1, null, 0, entry(1, 1, "x"));
    assertThatThrownBy(() -> checker.applied(a, entry(1, 1, "x")))
        .hasMessageContaining("not the committed entry");
  }

  @Test
  void applied_outOfOrderIsAViolation() {
    checker.restarted(a, 0);
    persist(a, diskA, 1, null, 2, entry(1, 1, "x"), entry(1, 2, "y"));
    assertThatThrownBy(() -> checker.applied(a, entry(1, 2, "y")))
        .hasMessageContaining("applied 2 but expected 1");
  }

  @Test
  void applied_sameEntriesInSameOrderOnTwoMembersIsFine() {
    checker.restarted(a, 0);
    checker.restarted(b, 0);
    persist(a, diskA, 1, null, 2, entry(1, 1, "x"), entry(1, 2, "y"));
    persist(b, diskB, 1, null, 2, entry(1, 1, "x"), entry(1, 2, "y"));
    assertThatCode(() -> {
      for (SimMember<?> m : List.of(a, b)) {
        checker.applied(m, entry(1, 1, "x"));
        checker.applied(m, entry(1, 2, "y"));
      }
    }).doesNotThrowAnyException();
  }
}
