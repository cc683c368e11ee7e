package dev.fakeetcd.internal.backend;

import static dev.fakeetcd.testing.Requests.FROM_KEY;
import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.delete;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.op;
import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.then;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.testing.Requests;
import org.junit.jupiter.api.Test;

/** The backend size model: bytes of stored revisions, the file's high-water mark, the quota. */
class BackendSizeTest {

  private static final long FRESH_IN_USE = BackendFile.inUse(0, 0, 0);

  private static MvccStore storeWithHistory() {
    MvccStore store = new MvccStore(lease -> false);
    store.put(put("a", "1"));
    store.put(put("a", "22"));
    store.put(put("b", "333"));
    store.deleteRange(delete("b"));
    store.put(put("c", "4444"));
    return store;
  }

  @Test
  void storedBytes_keptOnEveryWrite_equalsARestoredCopysCount() {
    MvccStore store = storeWithHistory();
    store.compact(CompactionRequest.newBuilder().setRevision(4).build());

    MvccStore copy = new MvccStore(lease -> false);
    copy.restore(store.snapshot());

    assertThat(store.storedBytes()).isPositive().isEqualTo(copy.storedBytes());
  }

  @Test
  void storedBytes_compaction_dropsReplacedRevisionsAndTombstones() {
    MvccStore store = storeWithHistory();
    long before = store.storedBytes();

    store.compact(CompactionRequest.newBuilder().setRevision(store.revision()).build());

    // a's first value, b's value and b's tombstone go.
    long kept = BackendFile.revisionBytes(1, store.range(get("a")).getKvs(0))
        + BackendFile.revisionBytes(1, store.range(get("c")).getKvs(0));
    assertThat(store.storedBytes()).isLessThan(before).isEqualTo(kept);
  }

  @Test
  void storedBytes_failedTxn_isUnchanged() {
    MvccStore store = storeWithHistory();
    long before = store.storedBytes();

    // The delete removes "a", so the ignore_value put that follows fails and undoes both.
    assertThatThrownBy(() -> store.txn(then(
        op(DeleteRangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(FROM_KEY).build()),
        op(PutRequest.newBuilder().setKey(bs("a")).setIgnoreValue(true).build()))))
        .isInstanceOf(EtcdException.class);

    assertThat(store.storedBytes()).isEqualTo(before);
  }

  @Test
  void revisionBytes_growWithTheValue() {
    long small = BackendFile.revisionBytes(1, KeyValue.newBuilder()
        .setKey(bs("k")).setValue(bs("v")).build());
    long large = BackendFile.revisionBytes(1, KeyValue.newBuilder()
        .setKey(bs("k")).setValue(bs("v".repeat(1001))).build());

    assertThat(large - small).isEqualTo(1000 + 1); // the value's length takes a second byte
  }

  @Test
  void inUse_isAFreshDatabasePlusWholePages() {
    assertThat(BackendFile.inUse(1, 0, 0)).isEqualTo(FRESH_IN_USE + BackendFile.PAGE);
    assertThat(BackendFile.inUse(BackendFile.PAGE, 0, 0)).isEqualTo(FRESH_IN_USE + BackendFile.PAGE);
    assertThat(BackendFile.inUse(BackendFile.PAGE + 1, 0, 0))
        .isEqualTo(FRESH_IN_USE + 2 * BackendFile.PAGE);
    assertThat(BackendFile.inUse(0, 1, 1)).isEqualTo(FRESH_IN_USE + BackendFile.PAGE);
  }

  @Test
  void size_isTheHighWaterMarkOfWhatWasInUse() {
    BackendFile file = new BackendFile(new BackendQuota());
    file.applied(1, 100_000);
    file.applied(2, 40_000);

    assertThat(file.size()).isEqualTo(100_000 + BackendFile.PAGE);
  }

  @Test
  void applied_replayedEntry_leavesTheFile() {
    BackendFile file = new BackendFile(new BackendQuota());
    file.applied(5, 40_000);
    file.defragment(20_000);

    file.applied(3, 100_000);

    assertThat(file.size()).isEqualTo(20_000 + BackendFile.PAGE);
    assertThat(file.isNew(5)).isFalse();
    assertThat(file.isNew(6)).isTrue();
  }

  @Test
  void restored_ownSnapshotOnARestart_leavesTheFile() {
    BackendFile file = new BackendFile(new BackendQuota());
    file.applied(5, 100_000);

    file.restored(4, 40_000);

    assertThat(file.size()).isEqualTo(100_000 + BackendFile.PAGE);
  }

  @Test
  void restored_leadersNewerSnapshot_replacesTheFile() {
    BackendFile file = new BackendFile(new BackendQuota());
    file.applied(5, 100_000);

    file.restored(9, 40_000);

    assertThat(file.size()).isEqualTo(40_000 + BackendFile.PAGE);
    assertThat(file.isNew(9)).isFalse();
  }

  @Test
  void fits_zeroSetting_isEtcdsTwoGibDefault() {
    BackendQuota quota = new BackendQuota();
    quota.set(0);

    assertThat(quota.fits(BackendQuota.DEFAULT_BYTES - 65, 64)).isTrue();
    assertThat(quota.fits(BackendQuota.DEFAULT_BYTES - 64, 64)).isFalse();
  }

  @Test
  void fits_negativeSetting_alwaysFits() {
    BackendQuota quota = new BackendQuota();
    quota.set(-1);

    assertThat(quota.fits(Long.MAX_VALUE / 2, 1 << 20)).isTrue();
  }

  @Test
  void fits_costingNothing_fitsAFullBackend() {
    BackendQuota quota = new BackendQuota();
    quota.set(1000);

    assertThat(quota.fits(5000, 0)).isTrue();
    assertThat(quota.fits(5000, 1)).isFalse();
  }

  @Test
  void cost_ofATxn_isItsCostlierBranchsTopLevelPuts() {
    PutRequest p = put("key", "value");
    long one = BackendQuota.cost(p);

    assertThat(one).isEqualTo(256 + 3 + 5);
    assertThat(BackendQuota.cost(TxnRequest.newBuilder()
        .addSuccess(op(p)).addFailure(op(p)).addFailure(op(p))
        .addFailure(op(then(op(p)))).build())).isEqualTo(2 * one);
  }
}
