package dev.fakeetcd.internal.mvcc;

import static dev.fakeetcd.testing.Requests.FROM_KEY;
import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.compare;
import static dev.fakeetcd.testing.Requests.delete;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.keys;
import static dev.fakeetcd.testing.Requests.op;
import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.then;
import static dev.fakeetcd.testing.Requests.txn;
import static dev.fakeetcd.testing.Requests.versionIs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.Compare.CompareResult;
import dev.fakeetcd.api.Compare.CompareTarget;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.testing.Requests;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MvccStoreTxnTest {
  private final Set<Long> leases = new TreeSet<>(Set.of(7L));
  private final MvccStore store = new MvccStore(leases::contains);

  private boolean holds(Compare compare) {
    return store.txn(txn(List.of(compare), List.of(), List.of())).response().getSucceeded();
  }

  private static EtcdError errorOf(Runnable action) {
    try {
      action.run();
    } catch (EtcdException e) {
      return e.error();
    }
    throw new AssertionError("no EtcdException");
  }

  private static ResponseHeader rev(long revision) {
    return ResponseHeader.newBuilder().setRevision(revision).build();
  }

  @Test
  void txn_emptyCompareListSucceeds() {
    // etcd 3.4.23 (observed): no compares is success
    assertThat(store.txn(TxnRequest.getDefaultInstance()).response().getSucceeded()).isTrue();
  }

  @Test
  void txn_missingKeyComparesAsZeroKeyValue() {
    assertThat(holds(versionIs("missing", 0))).isTrue();
    assertThat(holds(compare("missing", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(0).build())).isTrue();
    assertThat(holds(compare("missing", CompareTarget.MOD, CompareResult.LESS).setModRevision(1).build())).isTrue();
    assertThat(holds(compare("missing", CompareTarget.LEASE, CompareResult.EQUAL).setLease(0).build())).isTrue();
  }

  @Test
  void txn_valueCompareOnMissingKeyIsFalseEvenForNotEqual() {
    // etcd 3.4.23 (observed): a VALUE compare on a missing key is false, whatever the result
    for (CompareResult result : List.of(CompareResult.EQUAL, CompareResult.NOT_EQUAL, CompareResult.GREATER,
        CompareResult.LESS)) {
      assertThat(holds(compare("missing", CompareTarget.VALUE, result).setValue(bs("x")).build())).as(result.name()).isFalse();
    }
  }

  @Test
  void txn_valueComparesBytesUnsigned() {
    store.put(PutRequest.newBuilder().setKey(bs("k")).setValue(Requests.bytes(0x80)).build());

    assertThat(holds(compare("k", CompareTarget.VALUE, CompareResult.GREATER).setValue(Requests.bytes(0x7f)).build())).isTrue();
    assertThat(holds(compare("k", CompareTarget.VALUE, CompareResult.LESS).setValue(Requests.bytes(0x80, 0)).build())).isTrue();
    assertThat(holds(compare("k", CompareTarget.VALUE, CompareResult.EQUAL).setValue(Requests.bytes(0x80)).build())).isTrue();
  }

  @Test
  void txn_comparesRevisionsAndVersion() {
    store.put(put("k", "1"));
    store.put(put("k", "2"));

    assertThat(holds(compare("k", CompareTarget.CREATE, CompareResult.EQUAL).setCreateRevision(2).build())).isTrue();
    assertThat(holds(compare("k", CompareTarget.MOD, CompareResult.GREATER).setModRevision(2).build())).isTrue();
    assertThat(holds(compare("k", CompareTarget.VERSION, CompareResult.NOT_EQUAL).setVersion(2).build())).isFalse();
  }

  @Test
  void txn_leaseTargetComparesAttachedLease() {
    store.put(put("k", "1").toBuilder().setLease(7).build());

    assertThat(holds(compare("k", CompareTarget.LEASE, CompareResult.EQUAL).setLease(7).build())).isTrue();
    assertThat(holds(compare("k", CompareTarget.LEASE, CompareResult.EQUAL).setLease(0).build())).isFalse();
  }

  @Test
  void txn_operandOfAnotherTargetComparesAsZero() {
    store.put(put("k", "1"));

    // target VERSION but the oneof holds a value: the version is compared with 0
    assertThat(holds(compare("k", CompareTarget.VERSION, CompareResult.GREATER).setValue(bs("9")).build())).isTrue();
  }

  @Test
  void txn_compareWithRangeEndMustHoldForEveryKey() {
    store.put(put("a", "1"));
    store.put(put("b", "1"));
    store.put(put("b", "2"));

    assertThat(holds(compare("a", CompareTarget.VERSION, CompareResult.GREATER).setVersion(0).setRangeEnd(bs("c")).build())).isTrue();
    assertThat(holds(compare("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(1).setRangeEnd(bs("c")).build())).isFalse();
    assertThat(holds(compare("a", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(1).setRangeEnd(FROM_KEY).build())).isFalse();
  }

  @Test
  void txn_compareWithEmptyRangeComparesOneZeroKeyValue() {
    store.put(put("a", "1"));

    // etcd 3.4.23 (observed): an empty range compares as one zero KeyValue (VALUE: false)
    assertThat(holds(compare("x", CompareTarget.VERSION, CompareResult.EQUAL).setVersion(0).setRangeEnd(bs("y")).build())).isTrue();
    assertThat(holds(compare("x", CompareTarget.VALUE, CompareResult.NOT_EQUAL).setValue(bs("v")).setRangeEnd(bs("y")).build())).isFalse();
  }

  @Test
  void txn_allComparesMustHold() {
    store.put(put("a", "1"));

    TxnResponse response = store.txn(txn(List.of(versionIs("a", 1), versionIs("b", 1)),
        List.of(op(put("s", "1"))), List.of(op(put("f", "1"))))).response();

    assertThat(response.getSucceeded()).isFalse();
    assertThat(store.range(get("f")).getCount()).isEqualTo(1);
    assertThat(store.range(get("s")).getCount()).isZero();
  }

  @Test
  void txn_nestedTxnResponseMatchesEtcd() {
    for (int i = 0; i < 10; i++) {
      store.put(put("filler", "x")); // brings the store to revision 11, as in Appendix A
    }
    TxnRequest request = txn(List.of(versionIs("missing", 0)),
        List.of(op(put("t1", "1")), op(get("t1")), op(then(op(put("t2", "2"))))), List.of());

    TxnResponse response = store.txn(request).response();

    // the answer of etcd 3.4.23 (observed) to this txn, headers aside
    KeyValue t1 = KeyValue.newBuilder().setKey(bs("t1")).setValue(bs("1")).setCreateRevision(12).setModRevision(12)
        .setVersion(1).build();
    assertThat(response).isEqualTo(TxnResponse.newBuilder().setHeader(rev(12)).setSucceeded(true)
        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(rev(12))))
        .addResponses(ResponseOp.newBuilder().setResponseRange(RangeResponse.newBuilder().setHeader(rev(12)).addKvs(t1).setCount(1)))
        .addResponses(ResponseOp.newBuilder().setResponseTxn(TxnResponse.newBuilder()
            .setHeader(ResponseHeader.getDefaultInstance()).setSucceeded(true)
            .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(rev(12))))))
        .build());
  }

  @Test
  void txn_nestedHeaderIsPresentButEmpty() {
    TxnResponse nested = store.txn(then(op(then(op(put("a", "1")))))).response().getResponses(0).getResponseTxn();

    // etcd 3.4 answers a nested txn with an empty header ("header":{})
    assertThat(nested.hasHeader()).isTrue();
    assertThat(nested.getHeader()).isEqualTo(ResponseHeader.getDefaultInstance());
  }

  @Test
  void txn_nestedComparesSeeThePreTxnState() {
    TxnRequest nested = txn(List.of(versionIs("k", 0)), List.of(op(put("saw-absent", "1"))), List.of(op(put("saw-present", "1"))));

    TxnResponse response = store.txn(then(op(put("k", "v")), op(nested))).response();

    // etcd 3.4.23 (observed): nested compares see the pre-txn state, later ranges the writes
    assertThat(response.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
    assertThat(store.range(get("saw-absent")).getCount()).isEqualTo(1);
  }

  @Test
  void txn_laterRangesSeeEarlierWrites() {
    store.put(put("k", "old"));

    TxnResponse response = store.txn(then(op(put("k", "new")), op(then(op(get("k")))))).response();

    RangeResponse range = response.getResponses(1).getResponseTxn().getResponses(0).getResponseRange();
    assertThat(range.getKvs(0).getValue()).isEqualTo(bs("new"));
    assertThat(range.getHeader()).isEqualTo(rev(3));
  }

  @Test
  void txn_innerHeadersBeforeAnyWriteCarryCurrentRevision() {
    store.put(put("k", "v"));

    TxnResponse response = store.txn(then(op(get("k")), op(delete("nothing")), op(put("x", "1")), op(delete("nothing")))).response();

    // etcd 3.4 etcdserver/apply.go: Range -> current, DeleteRange -> current until something
    // was written
    assertThat(response.getResponses(0).getResponseRange().getHeader()).isEqualTo(rev(2));
    assertThat(response.getResponses(1).getResponseDeleteRange().getHeader()).isEqualTo(rev(2));
    assertThat(response.getResponses(2).getResponsePut().getHeader()).isEqualTo(rev(3));
    assertThat(response.getResponses(3).getResponseDeleteRange().getHeader()).isEqualTo(rev(3));
    assertThat(response.getHeader()).isEqualTo(rev(3));
  }

  @Test
  void txn_allWritesShareOneRevisionWithEventsInOpOrder() {
    store.put(put("b", "1"));
    store.put(put("a", "1"));

    WriteResult<TxnResponse> result = store.txn(then(op(put("z", "1")), op(delete("a", "c")), op(then(op(put("m", "1"))))));

    // etcd 3.4.23 (observed): events in op order within one revision
    assertThat(result.revision()).isEqualTo(4);
    assertThat(result.events()).extracting(e -> e.getType() + " " + e.getKv().getKey().toStringUtf8() + "@" + e.getKv().getModRevision())
        .containsExactly("PUT z@4", "DELETE a@4", "DELETE b@4", "PUT m@4");
  }

  @Test
  void txn_writeTxnTakingReadOnlyBranchKeepsRevision() {
    store.put(put("k", "v"));

    WriteResult<TxnResponse> result = store.txn(txn(List.of(versionIs("k", 5)), List.of(op(put("x", "1"))), List.of(op(get("k")))));

    // etcd 3.4.23 (observed): a txn that writes nothing keeps the revision
    assertThat(result.response().getSucceeded()).isFalse();
    assertThat(result.response().getHeader()).isEqualTo(rev(2));
    assertThat(result.revision()).isEqualTo(2);
    assertThat(result.events()).isEmpty();
  }

  @Test
  void txn_deleteOfNothingKeepsRevision() {
    WriteResult<TxnResponse> result = store.txn(then(op(delete("nothing"))));

    assertThat(result.revision()).isEqualTo(1);
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void txn_putThenDeleteOfSameKeyInSiblingTxnsRecordsBoth() {
    WriteResult<TxnResponse> result = store.txn(then(op(then(op(put("k", "1")))), op(then(op(delete("k"))))));

    assertThat(result.events()).extracting(Event::getType).containsExactly(Event.EventType.PUT, Event.EventType.DELETE);
    assertThat(store.range(get("k")).getCount()).isZero();
    assertThat(store.revision()).isEqualTo(2);
  }

  @Test
  void txn_putInsideTxnReportsPrevKvWrittenEarlierInIt() {
    PutResponse second = store.txn(then(op(put("a", "1")), op(then(op(put("a", "2").toBuilder().setPrevKv(true).build())))))
        .response().getResponses(1).getResponseTxn().getResponses(0).getResponsePut();

    assertThat(second.getPrevKv().getValue()).isEqualTo(bs("1"));
    assertThat(store.range(get("a")).getKvs(0).getVersion()).isEqualTo(2);
  }

  @Test
  void txn_ignoreFlagPutOnKeyMissingBeforeTxnFails() {
    TxnRequest request = then(op(put("k", "v")), op(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).build()));

    // etcd 3.4.23 (observed): ignore-flag keys are checked against the pre-txn state
    assertThat(errorOf(() -> store.txn(request))).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void txn_untakenBranchIsNotChecked() {
    TxnRequest request = txn(List.of(versionIs("k", 0)), List.of(op(put("ok", "1"))),
        List.of(op(put("bad", "1").toBuilder().setLease(99).build())));

    assertThat(store.txn(request).response().getSucceeded()).isTrue();
  }

  @Test
  void txn_unknownLeaseInTakenBranchFails() {
    TxnRequest request = then(op(then(op(put("k", "v").toBuilder().setLease(99).build()))));

    assertThat(errorOf(() -> store.txn(request))).isEqualTo(EtcdError.LEASE_NOT_FOUND);
  }

  @Test
  void txn_ignoreFlagIsCheckedBeforeLeaseWithinAPut() {
    TxnRequest request = then(op(PutRequest.newBuilder().setKey(bs("missing")).setIgnoreValue(true).setLease(99).build()));

    // etcd 3.4 etcdserver/apply.go (checkRequestPut): in a txn, ignore-flag key, then lease
    assertThat(errorOf(() -> store.txn(request))).isEqualTo(EtcdError.KEY_NOT_FOUND);
  }

  @Test
  void txn_putChecksPrecedeRangeChecks() {
    TxnRequest request = then(op(get("k").toBuilder().setRevision(100).build()), op(put("k", "v").toBuilder().setLease(99).build()));

    // etcd checks every taken put before any taken range
    assertThat(errorOf(() -> store.txn(request))).isEqualTo(EtcdError.LEASE_NOT_FOUND);
  }

  @Test
  void txn_futureRangeRevisionFails() {
    assertThat(errorOf(() -> store.txn(then(op(get("k").toBuilder().setRevision(2).build()))))).isEqualTo(EtcdError.FUTURE_REV);
  }

  @Test
  void txn_compactedRangeRevisionFails() {
    store.put(put("k", "1"));
    store.put(put("k", "2"));
    store.compact(CompactionRequest.newBuilder().setRevision(3).build());

    assertThat(errorOf(() -> store.txn(then(op(get("k").toBuilder().setRevision(2).build()))))).isEqualTo(EtcdError.COMPACTED);
    assertThat(store.txn(then(op(get("k").toBuilder().setRevision(3).build()))).response().getResponses(0)
        .getResponseRange().getKvs(0).getValue()).isEqualTo(bs("2"));
  }

  @Test
  void txn_negativeRangeRevisionBelowCompactRevisionFails() {
    store.put(put("k", "1"));

    // verified on etcd 3.4.23: a plain Range reads revision -5 as current, a txn Range fails
    assertThat(errorOf(() -> store.txn(then(op(get("k").toBuilder().setRevision(-5).build()))))).isEqualTo(EtcdError.COMPACTED);
    assertThat(store.txn(then(op(get("k").toBuilder().setRevision(-1).build()))).response().getResponses(0)
        .getResponseRange().getCount()).isEqualTo(1);
  }

  @Test
  void txn_readOnlyTxnReadsAtCurrentRevision() {
    store.put(put("k", "v"));

    WriteResult<TxnResponse> result = store.txn(then(op(get("k"))));

    assertThat(result.response().getHeader()).isEqualTo(rev(2));
    assertThat(keys(result.response().getResponses(0).getResponseRange().getKvsList())).containsExactly("k");
  }

  @Test
  void txn_failingPutAfterEarlierWritesLeavesStoreUnchanged() {
    store.put(put("k", "v").toBuilder().setLease(7).build());
    // the from-key delete passes the duplicate check, then removes k before the ignore_value put;
    // etcd 3.4.23 panics here (verified), the store rejects the whole txn instead
    TxnRequest request = then(op(DeleteRangeRequest.newBuilder().setKey(bs("a")).setRangeEnd(FROM_KEY).build()),
        op(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).build()));

    assertThat(errorOf(() -> store.txn(request))).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(store.revision()).isEqualTo(2);
    assertThat(store.range(get("k")).getKvs(0).getValue()).isEqualTo(bs("v"));
    assertThat(store.keysAttachedTo(7)).containsExactly(bs("k"));
    assertThat(store.events(bs("k"), Requests.bytes(), 3, 3)).isEmpty();
  }

  @Test
  void txn_failureBranchRunsItsOps() {
    TxnResponse response = store.txn(txn(List.of(versionIs("k", 1)), List.of(op(put("s", "1"))),
        List.of(op(put("f", "1")), op(get("f"))))).response();

    assertThat(response.getSucceeded()).isFalse();
    assertThat(response.getResponsesCount()).isEqualTo(2);
    assertThat(response.getResponses(1).getResponseRange().getCount()).isEqualTo(1);
  }

  @Test
  void txn_nestedTxnTakesItsOwnBranch() {
    store.put(put("k", "v"));
    TxnRequest nested = txn(List.of(versionIs("k", 0)), List.of(op(put("s", "1"))), List.of(op(put("f", "1"))));

    TxnResponse response = store.txn(then(op(nested))).response();

    assertThat(response.getResponses(0).getResponseTxn().getSucceeded()).isFalse();
    assertThat(store.range(get("f")).getCount()).isEqualTo(1);
    assertThat(store.range(get("s")).getCount()).isZero();
  }
}
