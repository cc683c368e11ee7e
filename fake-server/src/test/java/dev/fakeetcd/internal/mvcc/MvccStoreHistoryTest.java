package dev.fakeetcd.internal.mvcc;

import static dev.fakeetcd.testing.Requests.FROM_KEY;
import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.delete;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.op;
import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.then;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.testing.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

class MvccStoreHistoryTest {
  private final MvccStore store = new MvccStore(lease -> true);

  private CompactionResponse compact(long revision) {
    return store.compact(CompactionRequest.newBuilder().setRevision(revision).build());
  }

  private static EtcdError errorOf(Runnable action) {
    try {
      action.run();
    } catch (EtcdException e) {
      return e.error();
    }
    throw new AssertionError("no EtcdException");
  }

  private List<String> describe(List<Event> events) {
    return events.stream()
        .map(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@" + e.getKv().getModRevision())
        .toList();
  }

  private List<Event> allEvents(long from, long to) {
    return store.events(bs("\0"), FROM_KEY, from, to);
  }

  @Test
  void compact_zeroOnFreshStoreWorksOnce() {
    compact(0);

    // etcd 3.4.23 (observed): a fresh store's compact revision is -1, so Compact(0) works once
    assertThat(store.compactRevision()).isZero();
    assertThat(errorOf(() -> compact(0))).isEqualTo(EtcdError.COMPACTED);
  }

  @Test
  void compact_atOrBelowCompactRevisionFails() {
    store.put(put("a", "1"));
    store.put(put("a", "2"));
    compact(3);

    assertThat(errorOf(() -> compact(3))).isEqualTo(EtcdError.COMPACTED);
    assertThat(errorOf(() -> compact(2))).isEqualTo(EtcdError.COMPACTED);
  }

  @Test
  void compact_futureRevisionFails() {
    assertThat(errorOf(() -> compact(2))).isEqualTo(EtcdError.FUTURE_REV);
    assertThat(store.compactRevision()).isEqualTo(-1);
  }

  @Test
  void compact_atCurrentRevisionKeepsRevisionAndReportsIt() {
    store.put(put("a", "1"));

    CompactionResponse response = compact(2);

    assertThat(response.getHeader().getRevision()).isEqualTo(2);
    assertThat(store.revision()).isEqualTo(2);
    assertThat(store.compactRevision()).isEqualTo(2);
  }

  @Test
  void compact_keepsLatestVersionOfLiveKeysAndLaterHistory() {
    store.put(put("a", "1")); // 2
    store.put(put("a", "2")); // 3
    store.put(put("b", "1")); // 4
    store.put(put("a", "3")); // 5

    compact(4);

    assertThat(store.range(get("a").toBuilder().setRevision(4).build()).getKvs(0).getValue()).isEqualTo(bs("2"));
    assertThat(store.range(get("a")).getKvs(0).getValue()).isEqualTo(bs("3"));
    assertThat(describe(allEvents(4, 5))).containsExactly("PUT b@4", "PUT a@5");
  }

  @Test
  void compact_dropsKeysDeletedAtOrBeforeTheRevision() {
    store.put(put("gone", "1")); // 2
    store.deleteRange(delete("gone")); // 3
    store.put(put("kept", "1")); // 4

    compact(4);

    assertThat(store.keysWithHistory()).containsExactly(bs("kept"));
  }

  @Test
  void compact_keepsKeysDeletedAfterTheRevision() {
    store.put(put("k", "1")); // 2
    store.deleteRange(delete("k")); // 3

    compact(2);

    assertThat(store.range(get("k").toBuilder().setRevision(2).build()).getCount()).isEqualTo(1);
    assertThat(describe(allEvents(3, 3))).containsExactly("DELETE k@3");
  }

  @Test
  void compact_dropsTombstoneAtTheCompactRevisionButKeepsPutsThere() {
    store.put(put("a", "1")); // 2
    store.txn(then(op(delete("a")), op(put("b", "1")))); // 3

    compact(3);

    // verified on etcd 3.4.23: a watch from the compact revision replays the PUT, not the DELETE
    assertThat(describe(allEvents(3, 3))).containsExactly("PUT b@3");
  }

  @Test
  void events_belowCompactRevisionFail() {
    store.put(put("a", "1"));
    store.put(put("a", "2"));
    compact(3);

    assertThat(errorOf(() -> allEvents(2, 3))).isEqualTo(EtcdError.COMPACTED);
  }

  @Test
  void events_areInRevisionThenChangeOrder() {
    store.put(put("b", "1")); // 2
    store.txn(then(op(put("z", "1")), op(put("a", "1")))); // 3
    store.deleteRange(Requests.delete("a", "c")); // 4

    assertThat(describe(allEvents(2, 4)))
        .containsExactly("PUT b@2", "PUT z@3", "PUT a@3", "DELETE a@4", "DELETE b@4");
  }

  @Test
  void events_areLimitedToTheKeyRangeAndRevisions() {
    store.put(put("a", "1")); // 2
    store.put(put("b", "1")); // 3
    store.put(put("a", "2")); // 4
    store.put(put("a", "3")); // 5

    assertThat(describe(store.events(bs("a"), ByteString.EMPTY, 3, 4))).containsExactly("PUT a@4");
    assertThat(describe(store.events(bs("a"), bs("c"), 3, 3))).containsExactly("PUT b@3");
  }

  @Test
  void events_deleteEventsCarryOnlyKeyAndModRevision() {
    store.put(put("k", "v").toBuilder().setLease(5).build());
    store.deleteRange(delete("k"));

    Event deleteEvent = allEvents(3, 3).get(0);

    assertThat(deleteEvent.getKv()).isEqualTo(dev.fakeetcd.api.KeyValue.newBuilder().setKey(bs("k")).setModRevision(3).build());
  }

  @Test
  void keyAt_returnsTheValueLiveAtThatRevision() {
    store.put(put("k", "1")); // 2
    store.put(put("k", "2")); // 3

    assertThat(store.keyAt(bs("k"), 2)).get().extracting(kv -> kv.getValue().toStringUtf8()).isEqualTo("1");
    assertThat(store.keyAt(bs("k"), 3)).get().extracting(kv -> kv.getVersion()).isEqualTo(2L);
  }

  @Test
  void keyAt_isEmptyWhenAbsentCompactedOrInTheFuture() {
    store.put(put("other", "x")); // 2
    store.put(put("k", "1")); // 3
    store.put(put("k", "2")); // 4
    compact(4);

    assertThat(store.keyAt(bs("k"), 3)).isEmpty();
    assertThat(store.keyAt(bs("k"), 5)).isEmpty();
    assertThat(store.keyAt(bs("nope"), 4)).isEmpty();
  }

  @Test
  void keyAt_isEmptyAfterDeletion() {
    store.put(put("k", "1"));
    store.deleteRange(delete("k"));

    assertThat(store.keyAt(bs("k"), 3)).isEmpty();
    assertThat(store.keyAt(bs("k"), 2)).isPresent();
  }
}
