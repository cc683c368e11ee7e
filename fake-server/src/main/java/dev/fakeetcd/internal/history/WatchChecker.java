package dev.fakeetcd.internal.history;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * etcd's watch guarantees, checked on a recorded history. Each watch is found as etcd makes it: a
 * stream's create requests are answered by {@code created} responses in order. Then per watch:
 * <ul>
 *   <li>ordered: revisions never go back, and each response's first revision is above the last
 *       one of the response before (and above any progress it reported);
 *   <li>atomic: a revision's events come in one response, or in the fragments of one;
 *   <li>unique: no (revision, key) twice;
 *   <li>resumable: nothing before the start revision;
 *   <li>reliable: from its start (its start revision, else the revision after its created
 *       response's header) up to the last revision it reported (an event's, or a progress
 *       notification's), it delivered every change of its keys that the history proves (OK
 *       writes' answers, any watch's events), unless a compaction cancelled it. A DELETE at
 *       revision r may be missing when a Compact at r that may have taken effect was invoked
 *       before the watch first reported a revision of r or more: compaction removes the
 *       tombstones at its revision (etcd's {@code keyIndex.compact}), so a watch that reads the
 *       store from r, as one starting at r does, cannot see that DELETE (a PUT at r is kept and
 *       must come).
 * </ul>
 * A stream's {@code watch_id -1} progress answers are not taken as progress: etcd 3.4 sends them
 * whether or not the stream's watchers have caught up.
 */
public final class WatchChecker {

  private WatchChecker() {
  }

  /** The first violation in {@code log}, naming the watch, the events and the seed; or empty. */
  public static Optional<String> check(HistoryLog log) {
    Optional<String> refused = HistoryRecorder.refusal(log);
    if (refused.isPresent()) {
      return refused;
    }
    List<Watch> watches = new ArrayList<>();
    for (WatchStream stream : log.watches()) {
      watches.addAll(watches(stream));
    }
    KnownWrites known = KnownWrites.fromWrites(log);
    Map<Long, Long> compactions = compactions(log);
    for (Watch w : watches) {
      String problem = w.deliveries();
      if (problem != null) {
        return violation(log, w, problem);
      }
      for (WatchStream.StreamMessage m : w.responses) {
        for (Event e : ((WatchResponse) m.message()).getEventsList()) {
          known.delivered(e, w.name() + " at seq " + m.seq());
        }
      }
    }
    for (Watch w : watches) {
      String problem = w.gap(known, compactions);
      if (problem != null) {
        return violation(log, w, problem);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> violation(HistoryLog log, Watch w, String problem) {
    return Optional.of("watch guarantee violated (seed " + log.seed() + "): " + w.describe()
        + " " + problem);
  }

  /**
   * The invoke seq of the earliest Compact at each revision that may have taken effect: answered
   * OK, never answered, or failed with an error etcd may give after compacting.
   */
  private static Map<Long, Long> compactions(HistoryLog log) {
    String compact = KVGrpc.getCompactMethod().getFullMethodName();
    Map<Long, Long> invoked = new HashMap<>();
    for (Operation op : log.operations()) {
      if (op.method().equals(compact) && (op.outcome() != Operation.Outcome.ERROR
          || !LinearizabilityChecker.NOT_APPLIED.contains(op.code()))) {
        invoked.merge(((CompactionRequest) op.request()).getRevision(), op.invokeSeq(),
            Math::min);
      }
    }
    return invoked;
  }

  /** The watches of one stream, in order of creation; refused creates are left out. */
  private static List<Watch> watches(WatchStream stream) {
    List<Watch> found = new ArrayList<>();
    ArrayDeque<WatchCreateRequest> pending = new ArrayDeque<>();
    Map<Long, Watch> open = new HashMap<>();
    for (WatchStream.StreamMessage m : stream.messages()) {
      if (m.fromClient()) {
        WatchRequest request = (WatchRequest) m.message();
        if (request.hasCreateRequest()) {
          pending.add(request.getCreateRequest());
        }
        continue;
      }
      WatchResponse response = (WatchResponse) m.message();
      if (response.getCreated()) {
        WatchCreateRequest create = pending.poll();
        if (create != null && !response.getCanceled()) {
          Watch w = new Watch(stream, response.getWatchId(), create,
              response.getHeader().getRevision(), m.seq());
          open.put(w.id, w);
          found.add(w);
        }
      } else if (open.containsKey(response.getWatchId())) {
        Watch w = open.get(response.getWatchId());
        if (response.getCanceled()) {
          w.compacted = response.getCompactRevision() != 0;
          open.remove(w.id);
        } else {
          w.responses.add(m);
        }
      }
    }
    return found;
  }

  private static final class Watch {
    final WatchStream stream;
    final long id;
    final WatchCreateRequest create;
    final long createdRevision;
    final long createdSeq;
    /** Its responses after the created one, not its cancellation. */
    final List<WatchStream.StreamMessage> responses = new ArrayList<>();
    final Set<Event.EventType> filtered = new HashSet<>();
    boolean compacted;
    /** Its events' (revision, key)s, set by {@link #deliveries}. */
    final Map<Long, Set<ByteString>> delivered = new HashMap<>();
    /** The last revision it reported (an event's or a progress notification's). */
    long reported;
    long reportedSeq;
    /** The seq of each report that raised {@link #reported}, by the revision reported. */
    final TreeMap<Long, Long> reports = new TreeMap<>();

    Watch(WatchStream stream, long id, WatchCreateRequest create, long createdRevision,
        long createdSeq) {
      this.stream = stream;
      this.id = id;
      this.create = create;
      this.createdRevision = createdRevision;
      this.createdSeq = createdSeq;
      for (WatchCreateRequest.FilterType f : create.getFiltersList()) {
        filtered.add(f == WatchCreateRequest.FilterType.NOPUT ? Event.EventType.PUT
            : Event.EventType.DELETE);
      }
    }

    String name() {
      return "watch " + id + " of stream " + stream.id() + " (member "
          + Describe.member(stream.member()) + ")";
    }

    String describe() {
      ByteString end = create.getRangeEnd();
      String keys = end.isEmpty() ? "key " + Describe.key(create.getKey())
          : end.equals(ByteString.copyFrom(new byte[] {0})) ? "keys from "
              + Describe.key(create.getKey())
          : "keys [" + Describe.key(create.getKey()) + ", " + Describe.key(end) + ")";
      return name() + " on " + keys + (create.getStartRevision() > 0 ? ", start revision "
          + create.getStartRevision() : "") + ", created at seq " + createdSeq + " (revision "
          + createdRevision + "),";
    }

    /** Whether it watches changes of {@code type} to {@code key}. */
    boolean watches(ByteString key, Event.EventType type) {
      if (filtered.contains(type)) {
        return false;
      }
      ByteString from = create.getKey();
      ByteString end = create.getRangeEnd();
      if (end.isEmpty()) {
        return key.equals(from);
      }
      boolean all = end.size() == 1 && end.byteAt(0) == 0;
      return KnownWrites.KEYS.compare(key, from) >= 0
          && (all || KnownWrites.KEYS.compare(key, end) < 0);
    }

    /** The first way its responses break order, atomicity, uniqueness or its start; else null. */
    String deliveries() {
      long lastRevision = 0;
      long lastSeq = -1;
      boolean inFragments = false;
      long progress = 0;
      long progressSeq = -1;
      for (WatchStream.StreamMessage m : responses) {
        WatchResponse response = (WatchResponse) m.message();
        if (response.getEventsCount() == 0) {
          if (!response.getFragment() && response.getHeader().getRevision() > progress) {
            progress = response.getHeader().getRevision();
            progressSeq = m.seq();
            report(progress, m.seq());
          }
          continue;
        }
        for (int i = 0; i < response.getEventsCount(); i++) {
          Event e = response.getEvents(i);
          long revision = e.getKv().getModRevision();
          String event = e.getType() + " of " + Describe.key(e.getKv().getKey()) + " at revision "
              + revision + " (seq " + m.seq() + ")";
          if (create.getStartRevision() > 0 && revision < create.getStartRevision()) {
            return "delivered the " + event + ", before its start revision";
          }
          if (!delivered.computeIfAbsent(revision, r -> new HashSet<>())
              .add(e.getKv().getKey())) {
            return "delivered the " + event + " twice";
          }
          if (revision <= progress) {
            return "delivered the " + event + " after reporting progress at revision " + progress
                + " (seq " + progressSeq + ")";
          }
          boolean continues = i > 0 || inFragments;
          if (revision < lastRevision) {
            return "delivered the " + event + " after revision " + lastRevision + " (seq "
                + lastSeq + "): out of order";
          }
          if (!continues && revision == lastRevision) {
            return "split revision " + revision + " across two responses (seq " + lastSeq
                + " and " + m.seq() + "), neither a fragment: not atomic";
          }
          lastRevision = revision;
          lastSeq = m.seq();
        }
        inFragments = response.getFragment();
        report(lastRevision, m.seq());
      }
      return null;
    }

    private void report(long revision, long seq) {
      if (revision > reported) {
        reported = revision;
        reportedSeq = seq;
        reports.put(revision, seq);
      }
    }

    /** The first change of its keys it should have delivered and did not; else null. */
    String gap(KnownWrites known, Map<Long, Long> compactions) {
      if (compacted) {
        return null;
      }
      long from = create.getStartRevision() > 0 ? create.getStartRevision()
          : createdRevision + 1;
      for (var revision : known.between(from, reported).entrySet()) {
        for (KnownWrites.Change c : revision.getValue().values()) {
          if (watches(c.key(), c.type()) && !delivered.getOrDefault(c.revision(), Set.of())
              .contains(c.key()) && !compactedAway(c, compactions)) {
            return "missed the " + c.type() + " of " + Describe.key(c.key()) + " at revision "
                + c.revision() + " (" + c.source() + "), though it reported revision " + reported
                + " (seq " + reportedSeq + "): a gap";
          }
        }
      }
      return null;
    }

    /**
     * Whether {@code c} is a DELETE whose tombstone a compaction at its revision may have removed
     * before this watch read past it (see the class comment).
     */
    private boolean compactedAway(KnownWrites.Change c, Map<Long, Long> compactions) {
      Long compacted = compactions.get(c.revision());
      return c.type() == Event.EventType.DELETE && compacted != null
          && compacted < reports.ceilingEntry(c.revision()).getValue();
    }
  }
}
