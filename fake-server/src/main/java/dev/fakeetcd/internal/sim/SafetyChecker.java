package dev.fakeetcd.internal.sim;

import dev.fakeetcd.internal.raft.raftpb.Entry;
import dev.fakeetcd.internal.raft.MemoryRaftStorage;
import dev.fakeetcd.internal.raft.Ready;
import dev.fakeetcd.internal.raft.Role;
import dev.fakeetcd.internal.raft.raftpb.Snapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks Raft's safety properties incrementally, at every state change of every member, and throws
 * at the first violation: election safety (one leader per term), log matching, leader
 * completeness, state-machine safety, and that a committed entry never changes. Maps are only
 * looked up, or iterated in key order, so the checker cannot perturb determinism.
 */
final class SafetyChecker implements MemberObserver {

  private record Position(long index, long term) {
  }

  private record Logged(Entry entry, long prevTerm) {
  }

  /**
   * A committed entry: the term it was created in, and the term in which it was first known
   * committed.
   */
  private record Committed(long entryTerm, long inTerm) {
  }

  private final long seed;
  private final TreeMap<Long, Long> leaderOfTerm = new TreeMap<>();
  private final Map<Position, Logged> logged = new HashMap<>();
  private final TreeMap<Long, Committed> committed = new TreeMap<>();
  private final Map<Long, Entry> appliedAt = new HashMap<>();
  private final TreeMap<Long, Long> lastApplied = new TreeMap<>();
  private final TreeMap<Long, Long> commitSeen = new TreeMap<>();

  SafetyChecker(long seed) {
    this.seed = seed;
  }

  @Override
  public void restarted(SimMember<?> member, long appliedIndex) {
    lastApplied.put(member.id(), appliedIndex);
  }

  @Override
  public void persisted(SimMember<?> member, MemoryRaftStorage storage, Ready ready, long term) {
    long id = member.id();
    if (ready.snapshot() != null) {
      committed(ready.snapshot().index(), ready.snapshot().term(), term, id);
    }
    for (Entry e : ready.entries()) {
      if (e.index() >= storage.firstIndex()) {
        logMatching(e, storage.term(e.index() - 1), id);
      }
    }
    long commit = storage.hardState().commit();
    long from = Math.max(commitSeen.getOrDefault(id, 0L), storage.firstIndex() - 1);
    for (long i = from + 1; i <= commit; i++) {
      if (i > storage.lastIndex()) {
        fail("member " + id + " has commit " + commit + " beyond its last index "
            + storage.lastIndex());
      }
      committed(i, storage.term(i), term, id);
    }
    commitSeen.put(id, Math.max(commit, commitSeen.getOrDefault(id, 0L)));
    if (ready.softState() != null && ready.softState().role() == Role.LEADER) {
      Long previous = leaderOfTerm.putIfAbsent(term, id);
      if (previous != null && previous != id) {
        fail("two leaders in term " + term + ": " + previous + " and " + id);
      }
      leaderCompleteness(storage, id, term);
    }
  }

  private void logMatching(Entry e, long prevTerm, long id) {
    Logged known = logged.putIfAbsent(new Position(e.index(), e.term()), new Logged(e, prevTerm));
    if (known != null && (!known.entry().equals(e) || known.prevTerm() != prevTerm)) {
      fail("log matching: member " + id + " stored " + e + " after term " + prevTerm
          + " but another log has " + known.entry() + " after term " + known.prevTerm());
    }
  }

  /**
   * Records that {@code index} (of {@code entryTerm}) is committed, as seen by member {@code id} in
   * {@code term}. The leader that commits an entry persists that first, so the first sighting
   * gives the term the entry was committed in.
   */
  private void committed(long index, long entryTerm, long term, long id) {
    Committed known = committed.putIfAbsent(index, new Committed(entryTerm, term));
    if (known != null && known.entryTerm() != entryTerm) {
      fail("committed entry changed: index " + index + " was committed with term "
          + known.entryTerm() + " but member " + id + " has it with term " + entryTerm);
    }
  }

  /**
   * Every entry committed in an earlier term must be in the new leader's log. Entries committed in
   * its term or later need not be: a member paused mid-election can win a term the cluster has
   * long left behind.
   */
  private void leaderCompleteness(MemoryRaftStorage storage, long id, long term) {
    for (Map.Entry<Long, Committed> c : committed.tailMap(storage.firstIndex() - 1).entrySet()) {
      long index = c.getKey();
      Committed entry = c.getValue();
      if (entry.inTerm() < term
          && (index > storage.lastIndex() || storage.term(index) != entry.entryTerm())) {
        fail("leader completeness: new leader " + id + " of term " + term
            + " lacks entry " + entry.entryTerm() + "/" + index + " committed in term "
            + entry.inTerm());
      }
    }
  }

  @Override
  public void restored(SimMember<?> member, Snapshot snapshot) {
    lastApplied.put(member.id(), snapshot.index());
  }

  @Override
  public void applied(SimMember<?> member, Entry entry) {
    long id = member.id();
    long expected = lastApplied.getOrDefault(id, 0L) + 1;
    if (entry.index() != expected) {
      fail("member " + id + " applied " + entry.index() + " but expected " + expected);
    }
    lastApplied.put(id, entry.index());
    Committed c = committed.get(entry.index());
    if (c == null || c.entryTerm() != entry.term()) {
      fail("member " + id + " applied " + entry + " which is not the committed entry " + c);
    }
    Entry first = appliedAt.putIfAbsent(entry.index(), entry);
    if (first != null && !first.equals(entry)) {
      fail("state machine safety: member " + id + " applied " + entry + " where another applied "
          + first);
    }
  }

  private void fail(String what) {
    throw new IllegalStateException("Raft safety violation (seed " + seed + "): " + what);
  }
}
