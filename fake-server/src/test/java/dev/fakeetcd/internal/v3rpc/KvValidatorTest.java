package dev.fakeetcd.internal.v3rpc;

import static dev.fakeetcd.testing.Requests.FROM_KEY;
import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Requests.delete;
import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.op;
import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.then;
import static dev.fakeetcd.testing.Requests.txn;
import static dev.fakeetcd.testing.Requests.versionIs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.testing.Requests;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvValidatorTest {
  private final KvValidator validator = new KvValidator(KvValidator.DEFAULT_MAX_TXN_OPS);

  private static EtcdError errorOf(Runnable action) {
    try {
      action.run();
    } catch (EtcdException e) {
      return e.error();
    }
    return null;
  }

  private EtcdError txnError(TxnRequest request) {
    return errorOf(() -> validator.checkTxn(request));
  }

  private static List<RequestOp> puts(int count) {
    return Collections.nCopies(count, op(put("k", "v")));
  }

  private static TxnRequest elseOnly(RequestOp... failure) {
    return TxnRequest.newBuilder().addAllFailure(List.of(failure)).build();
  }

  private static DeleteRangeRequest deleteFromKey(String key) {
    return DeleteRangeRequest.newBuilder().setKey(bs(key)).setRangeEnd(FROM_KEY).build();
  }

  @Test
  void constructor_rejectsNonPositiveMaxTxnOps() {
    assertThatThrownBy(() -> new KvValidator(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }

  @Test
  void checkRange_emptyKeyFails() {
    assertThat(errorOf(() -> validator.checkRange(RangeRequest.getDefaultInstance()))).isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkDeleteRange_emptyKeyFails() {
    assertThat(errorOf(() -> validator.checkDeleteRange(DeleteRangeRequest.newBuilder().setRangeEnd(FROM_KEY).build())))
        .isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkPut_emptyKeyComesFirst() {
    PutRequest request = PutRequest.newBuilder().setValue(bs("v")).setIgnoreValue(true).setIgnoreLease(true).setLease(5).build();

    assertThat(errorOf(() -> validator.checkPut(request))).isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkPut_ignoreValueWithValueComesBeforeIgnoreLeaseWithLease() {
    PutRequest request = put("k", "v").toBuilder().setIgnoreValue(true).setIgnoreLease(true).setLease(5).build();

    assertThat(errorOf(() -> validator.checkPut(request))).isEqualTo(EtcdError.VALUE_PROVIDED);
  }

  @Test
  void checkPut_ignoreLeaseWithLeaseFails() {
    PutRequest request = put("k", "").toBuilder().setIgnoreValue(true).setIgnoreLease(true).setLease(5).build();

    assertThat(errorOf(() -> validator.checkPut(request))).isEqualTo(EtcdError.LEASE_PROVIDED);
  }

  @Test
  void checkPut_ignoreFlagsWithoutValueOrLeasePass() {
    assertThatCode(() -> validator.checkPut(PutRequest.newBuilder().setKey(bs("k")).setIgnoreValue(true).setIgnoreLease(true).build()))
        .doesNotThrowAnyException();
  }

  @Test
  void checkTxn_opCountIsTheLargestOfCompareSuccessFailure() {
    List<RequestOp> reads = Collections.nCopies(128, op(get("k")));
    TxnRequest atLimit = TxnRequest.newBuilder().addAllCompare(Collections.nCopies(128, versionIs("k", 0)))
        .addAllSuccess(reads).addAllFailure(reads).build();

    // etcd's checkTxnRequest (etcdserver/api/v3rpc/key.go, etcd 3.4) limits the longest of
    // compare, success and failure, not their sum
    assertThat(txnError(atLimit)).isNull();
    assertThat(txnError(TxnRequest.newBuilder().addAllCompare(Collections.nCopies(129, versionIs("k", 0))).build()))
        .isEqualTo(EtcdError.TOO_MANY_OPS);
    assertThat(txnError(elseOnly(puts(129).toArray(RequestOp[]::new)))).isEqualTo(EtcdError.TOO_MANY_OPS);
  }

  @Test
  void checkTxn_nestedTxnGetsTheRemainingBudget() {
    KvValidator small = new KvValidator(4);
    TxnRequest nestedTwo = TxnRequest.newBuilder().addSuccess(op(get("a"))).addSuccess(op(get("b"))).build();
    TxnRequest nestedThree = nestedTwo.toBuilder().addSuccess(op(get("c"))).build();

    // checkRequestOp gets maxTxnOps minus the parent's op count (key.go, etcd 3.4; checked against
    // etcd with --max-txn-ops=4): the parent has 2 ops, so 2 are left
    assertThat(errorOf(() -> small.checkTxn(then(op(get("x")), op(nestedTwo))))).isNull();
    assertThat(errorOf(() -> small.checkTxn(then(op(get("x")), op(nestedThree))))).isEqualTo(EtcdError.TOO_MANY_OPS);
  }

  @Test
  void checkTxn_opCountComesBeforeEmptyCompareKey() {
    TxnRequest request = TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance()).addAllSuccess(puts(129)).build();

    assertThat(txnError(request)).isEqualTo(EtcdError.TOO_MANY_OPS);
  }

  @Test
  void checkTxn_emptyCompareKeyComesBeforeOps() {
    TxnRequest request = TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance()).addSuccess(RequestOp.getDefaultInstance()).build();

    assertThat(txnError(request)).isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkTxn_successOpsAreCheckedBeforeFailureOps() {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(op(put("", "v"))).addFailure(RequestOp.getDefaultInstance()).build();

    assertThat(txnError(request)).isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkTxn_emptyRequestOpIsKeyNotFound() {
    // checkRequestOp answers an op with no request as key not found (key.go, etcd 3.4; checked
    // against etcd)
    assertThat(txnError(then(RequestOp.getDefaultInstance()))).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(txnError(elseOnly(RequestOp.getDefaultInstance()))).isEqualTo(EtcdError.KEY_NOT_FOUND);
  }

  @Test
  void checkTxn_checksNestedOpsOfBothBranches() {
    assertThat(txnError(elseOnly(op(then(op(delete(""))))))).isEqualTo(EtcdError.EMPTY_KEY);
    assertThat(txnError(then(op(elseOnly(op(put("k", "v").toBuilder().setIgnoreLease(true).setLease(3).build()))))))
        .isEqualTo(EtcdError.LEASE_PROVIDED);
    assertThat(txnError(then(op(TxnRequest.newBuilder().addCompare(Compare.getDefaultInstance()).build()))))
        .isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkTxn_fieldErrorsComeBeforeDuplicateKeys() {
    assertThat(txnError(then(op(put("k", "1")), op(put("k", "2")), op(get(""))))).isEqualTo(EtcdError.EMPTY_KEY);
  }

  @Test
  void checkTxn_samePutTwiceInOneBranchIsDuplicate() {
    assertThat(txnError(then(op(put("k", "1")), op(put("k", "2"))))).isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void checkTxn_putInsideDeleteRangeIsDuplicateInEitherOrder() {
    assertThat(txnError(then(op(put("b", "1")), op(delete("a", "c"))))).isEqualTo(EtcdError.DUPLICATE_KEY);
    assertThat(txnError(then(op(delete("a", "c")), op(put("b", "1"))))).isEqualTo(EtcdError.DUPLICATE_KEY);
    assertThat(txnError(then(op(delete("b")), op(put("b", "1"))))).isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void checkTxn_putOutsideDeleteRangeIsAllowed() {
    assertThat(txnError(then(op(delete("a", "c")), op(put("c", "1"))))).isNull();
  }

  @Test
  void checkTxn_overlappingDeletesAreAllowed() {
    assertThat(txnError(then(op(delete("a", "m")), op(delete("c", "z")), op(delete("d"))))).isNull();
  }

  @Test
  void checkTxn_nestedPutVersusOuterDeleteIsDuplicate() {
    assertThat(txnError(then(op(delete("a", "c")), op(then(op(put("b", "1"))))))).isEqualTo(EtcdError.DUPLICATE_KEY);
    assertThat(txnError(then(op(then(op(delete("a", "c")))), op(put("b", "1"))))).isEqualTo(EtcdError.DUPLICATE_KEY);
    assertThat(txnError(then(op(put("b", "1")), op(then(op(put("b", "2"))))))).isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void checkTxn_sameKeyInThenAndElseOfOneNestedTxnIsAllowed() {
    TxnRequest nested = txn(List.of(versionIs("x", 0)), List.of(op(put("k", "1"))), List.of(op(put("k", "2"))));

    assertThat(txnError(then(op(nested)))).isNull();
  }

  @Test
  void checkTxn_sameKeyInTwoNestedTxnsIsDuplicate() {
    assertThat(txnError(then(op(then(op(put("k", "1")))), op(elseOnly(op(put("k", "2"))))))).isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void checkTxn_topLevelBranchesAreCheckedIndependently() {
    TxnRequest request = txn(List.of(), List.of(op(put("k", "1"))), List.of(op(put("k", "2"))));

    assertThat(txnError(request)).isNull();
  }

  @Test
  void checkTxn_failureBranchDuplicatesAreFound() {
    assertThat(txnError(elseOnly(op(put("k", "1")), op(put("k", "2"))))).isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void checkTxn_putInEarlierNestedTxnThenDeleteInLaterOneIsAllowed() {
    // verified on etcd 3.4.23: a nested txn's puts are not checked against later siblings' deletes
    assertThat(txnError(then(op(then(op(put("k", "1")))), op(then(op(delete("k"))))))).isNull();
    assertThat(txnError(then(op(then(op(delete("k")))), op(then(op(put("k", "1"))))))).isEqualTo(EtcdError.DUPLICATE_KEY);
  }

  @Test
  void checkTxn_fromKeyDeleteNeverConflictsWithPuts() {
    // verified on etcd 3.4.23: range_end "\0" is compared as an empty interval by the check
    assertThat(txnError(then(op(deleteFromKey("a")), op(put("b", "1"))))).isNull();
  }

  @Test
  void checkTxn_deleteWithRangeEndNotAfterKeyNeverConflicts() {
    assertThat(txnError(then(op(delete("c", "a")), op(put("c", "1"))))).isNull();
  }

  @Test
  void isReadOnly_onlyRangesInBothBranches() {
    assertThat(KvValidator.isReadOnly(TxnRequest.getDefaultInstance())).isTrue();
    assertThat(KvValidator.isReadOnly(txn(List.of(versionIs("k", 0)), List.of(op(get("a"))), List.of(op(get("b")))))).isTrue();
    assertThat(KvValidator.isReadOnly(txn(List.of(), List.of(op(get("a"))), List.of(op(delete("b")))))).isFalse();
    assertThat(KvValidator.isReadOnly(then(op(then(op(get("a"))))))).isFalse();
  }

  @Test
  void isSerializable_everyRangeMustBeSerializable() {
    RangeRequest serializable = get("a").toBuilder().setSerializable(true).build();

    assertThat(KvValidator.isSerializable(then(op(serializable), op(serializable)))).isTrue();
    assertThat(KvValidator.isSerializable(then(op(serializable), op(get("b"))))).isFalse();
    assertThat(KvValidator.isSerializable(then(op(serializable), op(put("b", "1"))))).isFalse();
  }
}
