package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.kv.Kv.DUPLICATE_KEY;
import static dev.fakeetcd.conformance.kv.Kv.FUTURE;
import static dev.fakeetcd.conformance.kv.Kv.KEY_NOT_FOUND;
import static dev.fakeetcd.conformance.kv.Kv.LEASE_NOT_FOUND;
import static dev.fakeetcd.conformance.kv.Kv.MAX_REQUEST_BYTES;
import static dev.fakeetcd.conformance.kv.Kv.MAX_TXN_OPS;
import static dev.fakeetcd.conformance.kv.Kv.TOO_LARGE;
import static dev.fakeetcd.conformance.kv.Kv.TOO_MANY_OPS;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.deleteOp;
import static dev.fakeetcd.conformance.kv.Kv.get;
import static dev.fakeetcd.conformance.kv.Kv.grantLease;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.putOp;
import static dev.fakeetcd.conformance.kv.Kv.putRequest;
import static dev.fakeetcd.conformance.kv.Kv.rangeOp;
import static dev.fakeetcd.conformance.kv.Kv.revokeLease;
import static dev.fakeetcd.conformance.kv.Kv.single;
import static dev.fakeetcd.conformance.kv.Kv.txnOp;
import static dev.fakeetcd.conformance.kv.Kv.value;
import static dev.fakeetcd.conformance.kv.Kv.version;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.Compare.CompareResult;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.grpc.Status;
import java.util.List;
import java.util.stream.IntStream;

/** Txn admission rules: op-count budget, duplicate keys, taken-branch pre-checks and request size. */
class TxnRulesConformanceTest {

  @ConformanceTest
  void txn_maxOpsInEveryList_succeeds(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addAllCompare(absentKeys(MAX_TXN_OPS)).addAllSuccess(ranges(MAX_TXN_OPS)).addAllFailure(ranges(MAX_TXN_OPS))
        .build());

    assertThat(response.getSucceeded()).isTrue();
    assertThat(response.getResponsesCount()).isEqualTo(MAX_TXN_OPS);
  }

  @ConformanceTest
  void txn_oneCompareOverLimit_failsTooManyOperations(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addAllCompare(absentKeys(MAX_TXN_OPS + 1)).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  @ConformanceTest
  void txn_oneSuccessOpOverLimit_failsTooManyOperations(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addAllSuccess(ranges(MAX_TXN_OPS + 1)).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  @ConformanceTest
  void txn_oneFailureOpOverLimit_failsTooManyOperations(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addAllFailure(ranges(MAX_TXN_OPS + 1)).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  @ConformanceTest
  void txn_nestedTxnWithinTheRemainingBudget_succeeds(EtcdTarget target) {
    int parentOps = 100;
    TxnRequest request = TxnRequest.newBuilder().addAllSuccess(ranges(parentOps - 1))
        .addSuccess(txnOp(TxnRequest.newBuilder().addAllSuccess(ranges(MAX_TXN_OPS - parentOps)))).build();

    TxnResponse response = kv(target).txn(request);

    assertThat(response.getResponses(parentOps - 1).getResponseTxn().getResponsesCount())
        .isEqualTo(MAX_TXN_OPS - parentOps);
  }

  @ConformanceTest
  void txn_nestedTxnOverTheRemainingBudget_failsTooManyOperations(EtcdTarget target) {
    int parentOps = 100;
    TxnRequest request = TxnRequest.newBuilder().addAllSuccess(ranges(parentOps - 1))
        .addSuccess(txnOp(TxnRequest.newBuilder().addAllSuccess(ranges(MAX_TXN_OPS - parentOps + 1)))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  @ConformanceTest
  void txn_nestedBudget_isReducedByTheParentsLargestList(EtcdTarget target) {
    int parentCompares = 100;
    TxnRequest request = TxnRequest.newBuilder().addAllCompare(absentKeys(parentCompares))
        .addSuccess(txnOp(TxnRequest.newBuilder().addAllSuccess(ranges(MAX_TXN_OPS - parentCompares + 1)))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  @ConformanceTest
  void txn_samePutKeyTwiceInABranch_failsDuplicateKey(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(putOp("k", "1")).addSuccess(putOp("k", "2")).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, DUPLICATE_KEY);
  }

  @ConformanceTest
  void txn_putInsideAnEarlierDeleteRange_failsDuplicateKey(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(deleteOp("a", "c")).addSuccess(putOp("b", "v")).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, DUPLICATE_KEY);
  }

  @ConformanceTest
  void txn_deleteRangeCoveringAnEarlierPut_failsDuplicateKey(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(putOp("b", "v")).addSuccess(deleteOp("a", "c")).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, DUPLICATE_KEY);
  }

  @ConformanceTest
  void txn_duplicatePutsInTheFailureBranch_failDuplicateKeyEvenWhenNotTaken(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder()
        .addFailure(putOp("k", "1")).addFailure(putOp("k", "2")).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, DUPLICATE_KEY);
  }

  @ConformanceTest
  void txn_overlappingDeleteRanges_areAllowed(EtcdTarget target) {
    put(target, "b", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(deleteOp("a", "c")).addSuccess(deleteOp("b", "d")).build());

    assertThat(response.getResponses(0).getResponseDeleteRange().getDeleted()).isEqualTo(1);
    assertThat(response.getResponses(1).getResponseDeleteRange().getDeleted()).isZero();
  }

  @ConformanceTest
  void txn_sameKeyInSuccessAndFailure_isAllowed(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("k", "then")).addFailure(putOp("k", "else")).build());

    assertThat(response.getSucceeded()).isTrue();
    assertThat(single(target, "k").getValue()).isEqualTo(bytes("then"));
  }

  @ConformanceTest
  void txn_nestedPutOfAParentPutKey_failsDuplicateKey(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(putOp("k", "outer"))
        .addSuccess(txnOp(TxnRequest.newBuilder().addSuccess(putOp("k", "inner")))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, DUPLICATE_KEY);
  }

  @ConformanceTest
  void txn_nestedDeleteRangeCoveringAParentPut_failsDuplicateKey(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(putOp("b", "outer"))
        .addSuccess(txnOp(TxnRequest.newBuilder().addFailure(deleteOp("a", "c")))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, DUPLICATE_KEY);
  }

  @ConformanceTest
  void txn_sameKeyInThenAndElseOfANestedTxn_isAllowed(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(txnOp(TxnRequest.newBuilder()
            .addCompare(version("k", CompareResult.GREATER, 0))
            .addSuccess(putOp("k", "then")).addFailure(putOp("k", "else")))).build());

    assertThat(response.getResponses(0).getResponseTxn().getSucceeded()).isFalse();
    assertThat(single(target, "k").getValue()).isEqualTo(bytes("else"));
  }

  @ConformanceTest
  void txn_ignoreValuePutOfMissingKeyInTakenBranch_failsKeyNotFound(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(ignoreValuePut("missing")).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  void txn_ignoreValuePutOfMissingKeyInUntakenBranch_isNotChecked(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("k", "v")).addFailure(ignoreValuePut("missing")).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void txn_unknownLeaseInTakenBranch_failsLeaseNotFound(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    revokeLease(client, lease);
    TxnRequest request = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(putRequest("k", "v").toBuilder().setLease(lease))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.NOT_FOUND, LEASE_NOT_FOUND);
  }

  @ConformanceTest
  void txn_rangeAtFutureRevisionInTakenBranch_failsFutureRevision(EtcdTarget target) {
    long current = put(target, "k", "v");
    TxnRequest request = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
        .setRequestRange(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(current + 1))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.OUT_OF_RANGE, FUTURE);
  }

  @ConformanceTest
  void txn_rangeAtFutureRevisionInUntakenBranch_isNotChecked(EtcdTarget target) {
    long current = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(version("k", CompareResult.EQUAL, 1)).addSuccess(rangeOp("k"))
        .addFailure(RequestOp.newBuilder()
            .setRequestRange(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(current + 1)))
        .build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_writeOverRequestLimit_failsRequestTooLarge(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(
        PutRequest.newBuilder().setKey(bytes("size")).setValue(ByteString.copyFrom(new byte[MAX_REQUEST_BYTES]))))
        .build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_LARGE);
    assertThat(get(target, "size").getKvsList()).isEmpty();
  }

  @ConformanceTest
  void txn_readOnlyOverRequestLimit_isServed(EtcdTarget target) {
    long current = currentRevision(target);
    Compare hugeValue = value("k", CompareResult.EQUAL, ByteString.copyFrom(new byte[MAX_REQUEST_BYTES + 1024]));

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addCompare(hugeValue).addFailure(rangeOp("k")).build());

    assertThat(response.getSucceeded()).isFalse();
    assertThat(response.getHeader().getRevision()).isEqualTo(current);
  }

  @ConformanceTest
  void txn_fortyNestedLevels_appliesTheInnermostPut(EtcdTarget target) {
    TxnResponse response = kv(target).txn(nestedPut(40).build());

    assertThat(single(target, "deep").getModRevision()).isEqualTo(response.getHeader().getRevision());
  }

  @ConformanceTest
  void txn_nestedBeyondTheOpBudget_failsTooManyOperations(EtcdTarget target) {
    // One op per level: level n gets 129 - n ops of budget, so level 130 has none left.
    assertFails(() -> kv(target).txn(nestedPut(130).build()), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  /** {@code levels} txns, each the only op of its parent, around one put of key "deep". */
  private static TxnRequest.Builder nestedPut(int levels) {
    TxnRequest.Builder txn = TxnRequest.newBuilder().addSuccess(putOp("deep", "v"));
    for (int level = 1; level < levels; level++) {
      txn = TxnRequest.newBuilder().addSuccess(txnOp(txn));
    }
    return txn;
  }

  private static List<Compare> absentKeys(int count) {
    return IntStream.range(0, count).mapToObj(i -> version("absent/" + i, CompareResult.EQUAL, 0)).toList();
  }

  private static List<RequestOp> ranges(int count) {
    return IntStream.range(0, count).mapToObj(i -> rangeOp("r/" + i)).toList();
  }

  private static RequestOp ignoreValuePut(String key) {
    return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setIgnoreValue(true)).build();
  }
}
