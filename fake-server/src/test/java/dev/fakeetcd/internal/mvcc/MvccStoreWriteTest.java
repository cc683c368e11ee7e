package dev.fakeetcd.internal.mvcc;

import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.delete;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.keys;
import static dev.fakeetcd.testing.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.testing.Requests;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MvccStoreWriteTest {
  private final Set<Long> leases = new TreeSet<>(Set.of(7L, 8L));
  private final MvccStore store = new MvccStore(leases::contains);

  private KeyValue current(String key) {
    return store.range(get(key)).getKvs(0);
  }

  @Test
  void put_firstWriteGetsRevisionTwo() {
    WriteResult<PutResponse> result = store.put(put("foo", "bar"));

    // etcd 3.4.23 (observed): a fresh store is at revision 1, its first write makes 2
    assertThat(result.revision()).isEqualTo(2);
    assertThat(result.response().getHeader().getRevision()).isEqualTo(2);
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void put_sameValueIsAFullWrite() {
    store.put(put("foo", "bar"));

    WriteResult<PutResponse> result = store.put(put("foo", "bar"));

    // etcd 3.4.23 (observed): a put of the same value is a full write
    assertThat(result.revision()).isEqualTo(3);
    assertThat(current("foo").getVersion()).isEqualTo(2);
    assertThat(current("foo").getModRevision()).isEqualTo(3);
    assertThat(current("foo").getCreateRevision()).isEqualTo(2);
    assertThat(result.events()).hasSize(1);
  }

  @Test
  void put_recreatedKeyStartsNewIncarnation() {
    store.put(put("foo", "1"));
    store.put(put("foo", "2"));
    store.deleteRange(delete("foo"));

    store.put(put("foo", "3"));

    assertThat(current("foo").getVersion()).isEqualTo(1);
    assertThat(current("foo").getCreateRevision()).isEqualTo(5);
  }

  @Test
  void put_prevKvOnlyWhenAskedAndKeyExisted() {
    PutResponse first = store.put(put("foo", "bar").toBuilder().setPrevKv(true).build()).response();
    PutResponse second = store.put(put("foo", "baz").toBuilder().setPrevKv(true).build()).response();
    PutResponse third = store.put(put("foo", "qux")).response();

    // as etcd 3.4.23 answers (observed): prev_kv only when asked for and the key existed
    assertThat(first.hasPrevKv()).isFalse();
    assertThat(second.getPrevKv()).isEqualTo(KeyValue.newBuilder().setKey(bs("foo")).setValue(bs("bar"))
        .setCreateRevision(2).setModRevision(2).setVersion(1).build());
    assertThat(third.hasPrevKv()).isFalse();
  }

  @Test
  void put_eventCarriesTheFullKeyValue() {
    WriteResult<PutResponse> result = store.put(put("foo", "bar").toBuilder().setLease(7).build());

    assertThat(result.events()).containsExactly(Event.newBuilder().setType(Event.EventType.PUT)
        .setKv(KeyValue.newBuilder().setKey(bs("foo")).setValue(bs("bar")).setCreateRevision(2).setModRevision(2)
            .setVersion(1).setLease(7))
        .build());
  }

  @Test
  void put_unknownLeaseFailsWithoutWriting() {
    assertThatThrownBy(() -> store.put(put("foo", "bar").toBuilder().setLease(99).build()))
        .isInstanceOfSatisfying(EtcdException.class, e -> assertThat(e.error()).isEqualTo(EtcdError.LEASE_NOT_FOUND));
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void put_leaseIsCheckedBeforeIgnoreFlagKey() {
    PutRequest request = PutRequest.newBuilder().setKey(bs("missing")).setIgnoreValue(true).setLease(99).build();

    // etcd 3.4 etcdserver/apply.go: a standalone put checks its lease before the ignore flags
    assertThatThrownBy(() -> store.put(request))
        .isInstanceOfSatisfying(EtcdException.class, e -> assertThat(e.error()).isEqualTo(EtcdError.LEASE_NOT_FOUND));
  }

  @Test
  void put_ignoreValueOnMissingKeyFails() {
    assertThatThrownBy(() -> store.put(PutRequest.newBuilder().setKey(bs("foo")).setIgnoreValue(true).build()))
        .isInstanceOfSatisfying(EtcdException.class, e -> assertThat(e.error()).isEqualTo(EtcdError.KEY_NOT_FOUND));
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void put_ignoreLeaseOnDeletedKeyFails() {
    store.put(put("foo", "bar"));
    store.deleteRange(delete("foo"));

    assertThatThrownBy(() -> store.put(PutRequest.newBuilder().setKey(bs("foo")).setIgnoreLease(true).build()))
        .isInstanceOfSatisfying(EtcdException.class, e -> assertThat(e.error()).isEqualTo(EtcdError.KEY_NOT_FOUND));
  }

  @Test
  void put_ignoreValueKeepsValueAndTakesNewLease() {
    store.put(put("foo", "bar"));

    store.put(PutRequest.newBuilder().setKey(bs("foo")).setIgnoreValue(true).setLease(7).build());

    assertThat(current("foo").getValue()).isEqualTo(bs("bar"));
    assertThat(current("foo").getLease()).isEqualTo(7);
    assertThat(current("foo").getVersion()).isEqualTo(2);
  }

  @Test
  void put_ignoreLeaseKeepsLeaseAndTakesNewValue() {
    store.put(put("foo", "bar").toBuilder().setLease(7).build());

    store.put(PutRequest.newBuilder().setKey(bs("foo")).setValue(bs("new")).setIgnoreLease(true).build());

    assertThat(current("foo").getValue()).isEqualTo(bs("new"));
    assertThat(current("foo").getLease()).isEqualTo(7);
    assertThat(store.keysAttachedTo(7)).containsExactly(bs("foo"));
  }

  @Test
  void put_withoutLeaseDetachesTheKey() {
    store.put(put("foo", "bar").toBuilder().setLease(7).build());

    store.put(put("foo", "baz"));

    // etcd 3.4.23 (observed): a put with lease 0 detaches the key
    assertThat(current("foo").getLease()).isZero();
    assertThat(store.keysAttachedTo(7)).isEmpty();
  }

  @Test
  void put_withOtherLeaseMovesTheKey() {
    store.put(put("foo", "bar").toBuilder().setLease(7).build());

    store.put(put("foo", "baz").toBuilder().setLease(8).build());

    assertThat(store.keysAttachedTo(7)).isEmpty();
    assertThat(store.keysAttachedTo(8)).containsExactly(bs("foo"));
  }

  @Test
  void keysAttachedTo_listsKeysInKeyOrder() {
    store.put(put("b", "1").toBuilder().setLease(7).build());
    store.put(put("a", "1").toBuilder().setLease(7).build());
    store.put(put("c", "1").toBuilder().setLease(8).build());

    assertThat(store.keysAttachedTo(7)).containsExactly(bs("a"), bs("b"));
  }

  @Test
  void deleteRange_deletesLiveKeysUnderOneNewRevision() {
    store.put(put("a", "1"));
    store.put(put("b", "2"));
    store.put(put("c", "3"));

    WriteResult<DeleteRangeResponse> result = store.deleteRange(delete("a", "c"));

    // etcd 3.4.23 (observed): one new revision for every deleted key
    assertThat(result.response().getDeleted()).isEqualTo(2);
    assertThat(result.response().getHeader().getRevision()).isEqualTo(5);
    assertThat(result.revision()).isEqualTo(5);
    assertThat(keys(store.range(Requests.range("a", "z").build()).getKvsList())).containsExactly("c");
  }

  @Test
  void deleteRange_ofNothingKeepsTheRevision() {
    store.put(put("a", "1"));

    WriteResult<DeleteRangeResponse> result = store.deleteRange(delete("zzz"));

    // etcd 3.4.23 (observed): deleting nothing keeps the revision
    assertThat(result.response().getDeleted()).isZero();
    assertThat(result.response().getHeader().getRevision()).isEqualTo(2);
    assertThat(result.revision()).isEqualTo(2);
    assertThat(result.events()).isEmpty();
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void deleteRange_prevKvsInKeyOrder() {
    store.put(put("b", "2"));
    store.put(put("a", "1"));

    DeleteRangeResponse response = store.deleteRange(DeleteRangeRequest.newBuilder().setKey(bs("a"))
        .setRangeEnd(Requests.FROM_KEY).setPrevKv(true).build()).response();

    assertThat(keys(response.getPrevKvsList())).containsExactly("a", "b");
    assertThat(response.getPrevKvs(0).getValue()).isEqualTo(bs("1"));
  }

  @Test
  void deleteRange_withoutPrevKvReturnsNone() {
    store.put(put("a", "1"));

    assertThat(store.deleteRange(delete("a")).response().getPrevKvsList()).isEmpty();
  }

  @Test
  void deleteRange_eventsAreInKeyOrderWithOnlyKeyAndModRevision() {
    store.put(put("b", "2"));
    store.put(put("a", "1").toBuilder().setLease(7).build());

    WriteResult<DeleteRangeResponse> result = store.deleteRange(delete("a", "c"));

    // etcd 3.4.23 (observed): a DELETE event's kv has only key and mod_revision
    assertThat(result.events()).containsExactly(
        Event.newBuilder().setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(bs("a")).setModRevision(4)).build(),
        Event.newBuilder().setType(Event.EventType.DELETE)
            .setKv(KeyValue.newBuilder().setKey(bs("b")).setModRevision(4)).build());
  }

  @Test
  void deleteRange_detachesKeysFromTheirLease() {
    store.put(put("a", "1").toBuilder().setLease(7).build());

    store.deleteRange(delete("a"));

    assertThat(store.keysAttachedTo(7)).isEmpty();
  }
}
