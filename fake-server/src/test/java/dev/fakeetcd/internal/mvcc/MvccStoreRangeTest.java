package dev.fakeetcd.internal.mvcc;

import static dev.fakeetcd.testing.Requests.FROM_KEY;
import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.bytes;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.keys;
import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest.SortOrder;
import dev.fakeetcd.api.RangeRequest.SortTarget;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.testing.Requests;
import org.junit.jupiter.api.Test;

class MvccStoreRangeTest {
  private final MvccStore store = new MvccStore(lease -> true);

  private void putAll(String... keyValuePairs) {
    for (int i = 0; i < keyValuePairs.length; i += 2) {
      store.put(put(keyValuePairs[i], keyValuePairs[i + 1]));
    }
  }

  private RangeResponse all(RangeRequest.Builder request) {
    return store.range(request.build());
  }

  @Test
  void range_freshStoreIsAtRevisionOneAndEmpty() {
    RangeResponse response = store.range(range("\0", "\0").build());

    assertThat(store.revision()).isEqualTo(1);
    assertThat(store.compactRevision()).isEqualTo(-1);
    assertThat(response.getKvsList()).isEmpty();
    assertThat(response.getCount()).isZero();
    assertThat(response.getHeader().getRevision()).isEqualTo(1);
  }

  @Test
  void range_singleKeyReturnsFullKeyValue() {
    putAll("foo", "bar");

    RangeResponse response = store.range(get("foo"));

    assertThat(response.getKvsList()).containsExactly(KeyValue.newBuilder().setKey(bs("foo")).setValue(bs("bar"))
        .setCreateRevision(2).setModRevision(2).setVersion(1).build());
    assertThat(response.getCount()).isEqualTo(1);
    assertThat(response.getMore()).isFalse();
  }

  @Test
  void range_headerCarriesOnlyTheRevision() {
    putAll("foo", "bar");

    assertThat(store.range(get("foo")).getHeader())
        .isEqualTo(dev.fakeetcd.api.ResponseHeader.newBuilder().setRevision(2).build());
  }

  @Test
  void range_emptyRangeEndIsSingleKey() {
    putAll("a", "1", "ab", "2");

    assertThat(keys(store.range(get("a")).getKvsList())).containsExactly("a");
  }

  @Test
  void range_rangeEndIsExclusive() {
    putAll("a", "1", "b", "2", "c", "3");

    assertThat(keys(all(range("a", "c")).getKvsList())).containsExactly("a", "b");
  }

  @Test
  void range_zeroRangeEndMeansEveryKeyFromKey() {
    putAll("a", "1", "b", "2", "c", "3");

    assertThat(keys(all(range("b", "").setRangeEnd(FROM_KEY)).getKvsList())).containsExactly("b", "c");
  }

  @Test
  void range_zeroKeyAndZeroRangeEndMeansEverything() {
    putAll("a", "1", "b", "2");
    store.put(PutRequest.newBuilder().setKey(bytes(0)).setValue(bs("z")).build());

    assertThat(all(range("", "").setKey(FROM_KEY).setRangeEnd(FROM_KEY)).getCount()).isEqualTo(3);
  }

  @Test
  void range_prefixEndSelectsThePrefix() {
    putAll("p/1", "1", "p/2", "2", "p0", "x", "q", "y");

    // client convention: prefix "p/" -> range_end "p0"
    assertThat(keys(all(range("p/", "p0")).getKvsList())).containsExactly("p/1", "p/2");
  }

  @Test
  void range_rangeEndNotAfterKeyIsEmptyNotAnError() {
    putAll("a", "1", "b", "2", "c", "3");

    // etcd 3.4.23 (observed): a range_end not after the key is an empty range, not an error
    assertThat(all(range("c", "a")).getKvsList()).isEmpty();
    assertThat(all(range("b", "b")).getCount()).isZero();
  }

  @Test
  void range_ordersKeysByUnsignedBytes() {
    store.put(PutRequest.newBuilder().setKey(bytes(0x80)).setValue(bs("high")).build());
    store.put(PutRequest.newBuilder().setKey(bytes(0x7f)).setValue(bs("low")).build());
    store.put(PutRequest.newBuilder().setKey(bytes(0x7f, 0xff)).setValue(bs("mid")).build());

    RangeResponse response = all(range("", "").setKey(FROM_KEY).setRangeEnd(FROM_KEY));

    assertThat(response.getKvsList()).extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("low", "mid", "high");
  }

  @Test
  void range_historicalRevisionReturnsOldValueWithCurrentHeader() {
    putAll("foo", "bar", "foo", "baz");

    RangeResponse response = store.range(get("foo").toBuilder().setRevision(2).build());

    // etcd 3.4.23 (observed): the header has the current revision, even for an older read
    assertThat(response.getKvs(0).getValue()).isEqualTo(bs("bar"));
    assertThat(response.getKvs(0).getModRevision()).isEqualTo(2);
    assertThat(response.getHeader().getRevision()).isEqualTo(3);
  }

  @Test
  void range_revisionBeforeKeyExistedFindsNothing() {
    putAll("other", "x", "foo", "bar");

    assertThat(store.range(get("foo").toBuilder().setRevision(2).build()).getKvsList()).isEmpty();
  }

  @Test
  void range_deletedKeyIsAbsentAfterDeleteButVisibleBefore() {
    putAll("foo", "bar");
    store.deleteRange(Requests.delete("foo"));

    assertThat(store.range(get("foo")).getKvsList()).isEmpty();
    assertThat(store.range(get("foo").toBuilder().setRevision(2).build()).getKvsList()).hasSize(1);
  }

  @Test
  void range_negativeRevisionReadsCurrent() {
    putAll("foo", "bar", "foo", "baz");

    // etcd 3.4.23 (observed): a negative revision reads the current one
    assertThat(store.range(get("foo").toBuilder().setRevision(-5).build()).getKvs(0).getValue()).isEqualTo(bs("baz"));
  }

  @Test
  void range_futureRevisionFails() {
    putAll("foo", "bar");

    assertThatThrownBy(() -> store.range(get("foo").toBuilder().setRevision(3).build()))
        .isInstanceOfSatisfying(EtcdException.class, e -> assertThat(e.error()).isEqualTo(EtcdError.FUTURE_REV));
  }

  @Test
  void range_belowCompactRevisionFails() {
    putAll("foo", "1", "foo", "2", "foo", "3");
    store.compact(CompactionRequest.newBuilder().setRevision(3).build());

    assertThatThrownBy(() -> store.range(get("foo").toBuilder().setRevision(2).build()))
        .isInstanceOfSatisfying(EtcdException.class, e -> assertThat(e.error()).isEqualTo(EtcdError.COMPACTED));
  }

  @Test
  void range_atCompactRevisionIsReadable() {
    putAll("foo", "1", "foo", "2", "foo", "3");
    store.compact(CompactionRequest.newBuilder().setRevision(3).build());

    // etcd 3.4.23 (observed): the compact revision itself is readable
    assertThat(store.range(get("foo").toBuilder().setRevision(3).build()).getKvs(0).getValue()).isEqualTo(bs("2"));
  }

  @Test
  void range_countIgnoresLimit() {
    putAll("a", "1", "b", "2", "c", "3");

    RangeResponse response = all(range("a", "z").setLimit(1));

    assertThat(keys(response.getKvsList())).containsExactly("a");
    assertThat(response.getCount()).isEqualTo(3);
    assertThat(response.getMore()).isTrue();
  }

  @Test
  void range_countIgnoresRevisionFilters() {
    putAll("a", "1", "b", "2", "c", "3");

    RangeResponse response = all(range("a", "z").setMinModRevision(3));

    // etcd 3.4.23 (observed): count is taken before the revision filters
    assertThat(keys(response.getKvsList())).containsExactly("b", "c");
    assertThat(response.getCount()).isEqualTo(3);
  }

  @Test
  void range_countOnlyReturnsCountWithoutKvsIgnoringLimit() {
    putAll("a", "1", "b", "2", "c", "3");

    RangeResponse response = all(range("a", "z").setCountOnly(true).setLimit(1));

    assertThat(response.getKvsList()).isEmpty();
    assertThat(response.getCount()).isEqualTo(3);
    assertThat(response.getMore()).isFalse();
  }

  @Test
  void range_limitEqualToResultSizeHasNoMore() {
    putAll("a", "1", "b", "2");

    RangeResponse response = all(range("a", "z").setLimit(2));

    assertThat(response.getKvsCount()).isEqualTo(2);
    assertThat(response.getMore()).isFalse();
  }

  @Test
  void range_negativeLimitIsUnlimited() {
    putAll("a", "1", "b", "2", "c", "3");

    RangeResponse response = all(range("a", "z").setLimit(-1));

    assertThat(response.getKvsCount()).isEqualTo(3);
    assertThat(response.getMore()).isFalse();
  }

  @Test
  void range_moreIsComputedAfterFiltering() {
    putAll("a", "1", "b", "2", "c", "3");

    // the filter leaves two keys; with limit 2 nothing is cut off
    RangeResponse response = all(range("a", "z").setLimit(2).setMinModRevision(3));

    assertThat(keys(response.getKvsList())).containsExactly("b", "c");
    assertThat(response.getMore()).isFalse();
  }

  @Test
  void range_revisionFiltersAreInclusiveBounds() {
    putAll("a", "1", "b", "2", "c", "3", "d", "4");
    store.put(put("a", "again")); // a: create 2, mod 6

    assertThat(keys(all(range("a", "z").setMinModRevision(3).setMaxModRevision(4)).getKvsList()))
        .containsExactly("b", "c");
    assertThat(keys(all(range("a", "z").setMinCreateRevision(2).setMaxCreateRevision(3)).getKvsList()))
        .containsExactly("a", "b");
    assertThat(keys(all(range("a", "z").setMaxModRevision(3)).getKvsList())).containsExactly("b");
    assertThat(keys(all(range("a", "z").setMinCreateRevision(5)).getKvsList())).containsExactly("d");
  }

  @Test
  void range_filtersApplyToAllKeysNotJustTheFirstLimit() {
    putAll("a", "1", "b", "2", "c", "3", "d", "4");

    // with a filter etcd fetches everything before cutting to limit
    RangeResponse response = all(range("a", "z").setLimit(1).setMinModRevision(4));

    assertThat(keys(response.getKvsList())).containsExactly("c");
    assertThat(response.getMore()).isTrue();
  }

  @Test
  void range_sortTargetWithOrderNoneSortsAscending() {
    putAll("c", "1", "a", "2", "b", "3");

    assertThat(keys(all(range("a", "z").setSortTarget(SortTarget.MOD)).getKvsList())).containsExactly("c", "a", "b");
  }

  @Test
  void range_sortDescendByMod() {
    putAll("c", "1", "a", "2", "b", "3");

    assertThat(keys(all(range("a", "z").setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.DESCEND)).getKvsList()))
        .containsExactly("b", "a", "c");
  }

  @Test
  void range_sortDescendByKey() {
    putAll("a", "1", "b", "2", "c", "3");

    assertThat(keys(all(range("a", "z").setSortOrder(SortOrder.DESCEND)).getKvsList())).containsExactly("c", "b", "a");
  }

  @Test
  void range_sortByValueAndVersionAndCreate() {
    putAll("a", "z", "b", "x", "c", "y", "b", "x2", "b", "x3", "c", "y2");

    assertThat(keys(all(range("a", "z").setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.ASCEND)).getKvsList()))
        .containsExactly("b", "c", "a");
    assertThat(keys(all(range("a", "z").setSortTarget(SortTarget.VERSION).setSortOrder(SortOrder.DESCEND)).getKvsList()))
        .containsExactly("b", "c", "a");
    assertThat(keys(all(range("a", "z").setSortTarget(SortTarget.CREATE).setSortOrder(SortOrder.DESCEND)).getKvsList()))
        .containsExactly("c", "b", "a");
  }

  @Test
  void range_sortedLimitTakesFromTheWholeSortedRange() {
    putAll("a", "1", "b", "2", "c", "3", "a", "4");

    // WithLastCreate-like: (CREATE, DESCEND) + limit 1 looks at every key
    RangeResponse response = all(range("a", "z").setSortTarget(SortTarget.CREATE).setSortOrder(SortOrder.DESCEND).setLimit(1));

    assertThat(keys(response.getKvsList())).containsExactly("c");
    assertThat(response.getMore()).isTrue();
  }

  @Test
  void range_sortTargetWithOrderNoneAndLimitSortsOnlyFirstLimitPlusOneKeys() {
    // mod revisions: d=2, c=3, b=4, a=5
    putAll("d", "1", "c", "2", "b", "3", "a", "4");

    RangeResponse response = all(range("a", "z").setSortTarget(SortTarget.MOD).setLimit(1));

    // etcd 3.4.23 (observed): with order NONE only limit+1 keys are fetched (a, b), then sorted;
    // b has the lower mod
    assertThat(keys(response.getKvsList())).containsExactly("b");
    assertThat(response.getMore()).isTrue();
    assertThat(response.getCount()).isEqualTo(4);
  }

  @Test
  void range_tiesKeepKeyOrderEvenWhenDescending() {
    putAll("a", "same", "b", "same", "c", "same");

    // etcd 3.4.23 (observed with 3 ties): Go's sort keeps up to 12 ties in key order
    assertThat(keys(all(range("a", "z").setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.DESCEND)).getKvsList()))
        .containsExactly("a", "b", "c");
  }

  @Test
  void range_keysOnlyOmitsValues() {
    putAll("a", "1");

    KeyValue kv = all(range("a", "z").setKeysOnly(true)).getKvs(0);

    assertThat(kv.getValue().isEmpty()).isTrue();
    assertThat(kv.getKey()).isEqualTo(bs("a"));
    assertThat(kv.getModRevision()).isEqualTo(2);
  }
}
