package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static dev.fakeetcd.conformance.kv.Kv.KEY_NOT_FOUND;
import static dev.fakeetcd.conformance.kv.Kv.KEY_NOT_PROVIDED;
import static dev.fakeetcd.conformance.kv.Kv.LEASE_NOT_FOUND;
import static dev.fakeetcd.conformance.kv.Kv.LEASE_PROVIDED;
import static dev.fakeetcd.conformance.kv.Kv.MAX_TXN_OPS;
import static dev.fakeetcd.conformance.kv.Kv.TOO_MANY_OPS;
import static dev.fakeetcd.conformance.kv.Kv.VALUE_PROVIDED;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.get;
import static dev.fakeetcd.conformance.kv.Kv.grantLease;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.putOp;
import static dev.fakeetcd.conformance.kv.Kv.putRequest;
import static dev.fakeetcd.conformance.kv.Kv.revokeLease;
import static dev.fakeetcd.conformance.kv.Kv.single;
import static dev.fakeetcd.conformance.kv.Kv.status;
import static dev.fakeetcd.conformance.kv.Kv.txnOp;
import static dev.fakeetcd.conformance.kv.Kv.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.Compare.CompareResult;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.grpc.Status;
import java.util.stream.IntStream;

/** Field validation of KV requests: which error, with which code and text, and which error wins. */
class KvValidationConformanceTest {

  private static final RequestOp EMPTY_OP = RequestOp.getDefaultInstance();
  private static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";

  @ConformanceTest
  void range_emptyKey_failsKeyNotProvided(EtcdTarget target) {
    assertFails(() -> kv(target).range(RangeRequest.newBuilder().setRangeEnd(bytes("z")).build()),
        Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void put_emptyKey_failsKeyNotProvided(EtcdTarget target) {
    assertFails(() -> kv(target).put(PutRequest.newBuilder().setValue(bytes("v")).build()),
        Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void deleteRange_emptyKey_failsKeyNotProvided(EtcdTarget target) {
    assertFails(() -> kv(target).deleteRange(DeleteRangeRequest.newBuilder().setRangeEnd(bytes("z")).build()),
        Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void put_ignoreValueWithAValue_failsValueProvided(EtcdTarget target) {
    put(target, "k", "v");

    assertFails(() -> kv(target).put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("w"))
        .setIgnoreValue(true).build()), Status.Code.INVALID_ARGUMENT, VALUE_PROVIDED);
  }

  @ConformanceTest
  void put_ignoreLeaseWithALease_failsLeaseProvided(EtcdTarget target) {
    put(target, "k", "v");

    assertFails(() -> kv(target).put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("w"))
        .setIgnoreLease(true).setLease(1).build()), Status.Code.INVALID_ARGUMENT, LEASE_PROVIDED);
  }

  @ConformanceTest
  void put_emptyKeyAndIgnoreValueWithAValue_failsKeyNotProvidedFirst(EtcdTarget target) {
    assertFails(() -> kv(target).put(PutRequest.newBuilder().setValue(bytes("v")).setIgnoreValue(true).build()),
        Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void put_valueAndLeaseBothProvidedWithIgnoreFlags_failsValueProvidedFirst(EtcdTarget target) {
    assertFails(() -> kv(target).put(PutRequest.newBuilder().setKey(bytes("missing")).setValue(bytes("v"))
            .setIgnoreValue(true).setLease(1).setIgnoreLease(true).build()),
        Status.Code.INVALID_ARGUMENT, VALUE_PROVIDED);
  }

  @ConformanceTest
  void put_leaseProvidedWithIgnoreLeaseOnMissingKey_failsLeaseProvidedBeforeKeyNotFound(EtcdTarget target) {
    assertFails(() -> kv(target).put(PutRequest.newBuilder().setKey(bytes("missing")).setValue(bytes("v"))
            .setLease(1).setIgnoreLease(true).build()),
        Status.Code.INVALID_ARGUMENT, LEASE_PROVIDED);
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void put_unknownLeaseWithIgnoreValueOnMissingKey_failsLeaseNotFoundFirst(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    revokeLease(client, lease);

    assertFails(() -> kv(target).put(PutRequest.newBuilder().setKey(bytes("missing")).setIgnoreValue(true)
        .setLease(lease).build()), Status.Code.NOT_FOUND, LEASE_NOT_FOUND);
  }

  @ConformanceTest
  void put_rejected_leavesTheRevisionAndValue(EtcdTarget target) {
    long current = put(target, "k", "v");

    assertFails(() -> kv(target).put(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("w"))
        .setIgnoreValue(true).build()), Status.Code.INVALID_ARGUMENT, VALUE_PROVIDED);

    assertThat(currentRevision(target)).isEqualTo(current);
    assertThat(single(target, "k").getValue()).isEqualTo(bytes("v"));
  }

  @ConformanceTest
  @Requires(Rpc.ALARM)
  void put_underNoSpaceAlarm_failsSpaceExceeded(EtcdTarget target) {
    underNoSpaceAlarm(target, () -> assertFails(() -> kv(target).put(putRequest("k", "v")),
        Status.Code.RESOURCE_EXHAUSTED, NO_SPACE));
  }

  @ConformanceTest
  @Requires(Rpc.ALARM)
  void put_emptyKeyUnderNoSpaceAlarm_failsKeyNotProvidedFirst(EtcdTarget target) {
    // The alarm is enforced when the write is applied; only a backend really over its quota is refused before validation.
    underNoSpaceAlarm(target, () -> {
      assertFails(() -> kv(target).put(PutRequest.newBuilder().setValue(bytes("v")).build()),
          Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
      assertFails(() -> kv(target).put(putRequest("k", "v")), Status.Code.RESOURCE_EXHAUSTED, NO_SPACE);
    });
  }

  @ConformanceTest
  void txn_compareWithEmptyKey_failsKeyNotProvided(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addCompare(version("", CompareResult.EQUAL, 0)).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void txn_emptyRequestOp_failsKeyNotFound(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(EMPTY_OP).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  void txn_emptyRequestOpInUntakenFailureBranch_failsKeyNotFound(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addSuccess(putOp("k", "v")).addFailure(EMPTY_OP).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  void txn_emptyRequestOpInNestedTxn_failsKeyNotFound(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder()
        .addSuccess(txnOp(TxnRequest.newBuilder().addFailure(EMPTY_OP))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  void txn_putWithEmptyKeyInUntakenBranch_failsKeyNotProvided(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder()
        .addFailure(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setValue(bytes("v")))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void txn_tooManyComparesWithEmptyKeys_failsTooManyOperationsFirst(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addAllCompare(IntStream.range(0, MAX_TXN_OPS + 1)
        .mapToObj(i -> version("", CompareResult.EQUAL, 0)).toList()).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, TOO_MANY_OPS);
  }

  @ConformanceTest
  void txn_emptyCompareKeyAndEmptyRequestOp_failsKeyNotProvidedFirst(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder().addCompare(version("", CompareResult.EQUAL, 0))
        .addSuccess(EMPTY_OP).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  @ConformanceTest
  void txn_invalidOpsInBothBranches_reportsTheSuccessBranchFirst(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("k"))
            .setValue(bytes("v")).setIgnoreValue(true)))
        .addFailure(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("k"))
            .setLease(1).setIgnoreLease(true)))
        .build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, VALUE_PROVIDED);
  }

  @ConformanceTest
  void txn_duplicateKeyAndALaterInvalidOp_failsOnTheInvalidOpFirst(EtcdTarget target) {
    TxnRequest request = TxnRequest.newBuilder()
        .addSuccess(putOp("k", "1")).addSuccess(putOp("k", "2")).addFailure(EMPTY_OP).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void txn_ignoreValueOnMissingKeyWithUnknownLeaseInTakenBranch_failsKeyNotFoundFirst(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    revokeLease(client, lease);
    TxnRequest request = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(
        PutRequest.newBuilder().setKey(bytes("missing")).setIgnoreValue(true).setLease(lease))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  void txn_rejected_appliesNoOp(EtcdTarget target) {
    long current = currentRevision(target);
    TxnRequest request = TxnRequest.newBuilder().addSuccess(putOp("k", "v"))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("missing"))
            .setIgnoreValue(true))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);

    assertThat(currentRevision(target)).isEqualTo(current);
    assertThat(get(target, "k").getKvsList()).isEmpty();
  }

  @ConformanceTest
  void txn_emptyKeyInALaterCompare_failsKeyNotProvided(EtcdTarget target) {
    Compare valid = version("k", CompareResult.EQUAL, 0);
    TxnRequest request = TxnRequest.newBuilder().addCompare(valid).addCompare(valid.toBuilder().clearKey()).build();

    assertFails(() -> kv(target).txn(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_PROVIDED);
  }

  /** Runs {@code body} while member 0 has a NOSPACE alarm raised, and clears it afterwards. */
  private static void underNoSpaceAlarm(EtcdTarget target, Runnable body) {
    AlarmRequest.Builder noSpace = AlarmRequest.newBuilder().setAlarm(AlarmType.NOSPACE)
        .setMemberID(status(target, 0).getHeader().getMemberId());
    maintenance(target, 0).alarm(noSpace.setAction(AlarmRequest.AlarmAction.ACTIVATE).build());
    try {
      body.run();
    } finally {
      maintenance(target, 0).alarm(noSpace.setAction(AlarmRequest.AlarmAction.DEACTIVATE).build());
    }
  }
}
