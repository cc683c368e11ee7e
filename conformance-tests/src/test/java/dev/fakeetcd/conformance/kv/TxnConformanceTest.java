package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.kv.Kv.ZERO;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.createRevision;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.deleteOp;
import static dev.fakeetcd.conformance.kv.Kv.get;
import static dev.fakeetcd.conformance.kv.Kv.grantLease;
import static dev.fakeetcd.conformance.kv.Kv.keys;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.lease;
import static dev.fakeetcd.conformance.kv.Kv.modRevision;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.putOp;
import static dev.fakeetcd.conformance.kv.Kv.putRequest;
import static dev.fakeetcd.conformance.kv.Kv.rangeOp;
import static dev.fakeetcd.conformance.kv.Kv.revokeLease;
import static dev.fakeetcd.conformance.kv.Kv.sequence;
import static dev.fakeetcd.conformance.kv.Kv.single;
import static dev.fakeetcd.conformance.kv.Kv.txnOp;
import static dev.fakeetcd.conformance.kv.Kv.value;
import static dev.fakeetcd.conformance.kv.Kv.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.Compare.CompareResult;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;

class TxnConformanceTest {

  @ConformanceTest
  void txn_noCompares_takesSuccessBranch(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addSuccess(putOp("k", "then"))
        .addFailure(putOp("k", "else")).build());

    assertThat(response.getSucceeded()).isTrue();
    assertThat(single(target, "k").getValue()).isEqualTo(bytes("then"));
  }

  @ConformanceTest
  void txn_holdingCompare_takesSuccessBranch(EtcdTarget target, Client client) {
    put(target, "k", "v");

    var response = await(client.getKVClient().txn()
        .If(new Cmp(sequence("k"), Cmp.Op.EQUAL, CmpTarget.version(1)))
        .Then(Op.put(sequence("result"), sequence("then"), PutOption.DEFAULT))
        .Else(Op.put(sequence("result"), sequence("else"), PutOption.DEFAULT))
        .commit());

    assertThat(response.isSucceeded()).isTrue();
    assertThat(single(target, "result").getValue()).isEqualTo(bytes("then"));
  }

  @ConformanceTest
  void txn_failingCompare_takesFailureBranch(EtcdTarget target, Client client) {
    put(target, "k", "v");

    var response = await(client.getKVClient().txn()
        .If(new Cmp(sequence("k"), Cmp.Op.EQUAL, CmpTarget.value(sequence("other"))))
        .Then(Op.put(sequence("result"), sequence("then"), PutOption.DEFAULT))
        .Else(Op.put(sequence("result"), sequence("else"), PutOption.DEFAULT))
        .commit());

    assertThat(response.isSucceeded()).isFalse();
    assertThat(single(target, "result").getValue()).isEqualTo(bytes("else"));
  }

  @ConformanceTest
  void txn_oneFailingCompareAmongSeveral_takesFailureBranch(EtcdTarget target) {
    put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(version("k", CompareResult.EQUAL, 1))
        .addCompare(version("k", CompareResult.GREATER, 1))
        .build());

    assertThat(response.getSucceeded()).isFalse();
  }

  @ConformanceTest
  void txn_compareCreateRevisionLess_holdsForAnOlderKey(EtcdTarget target) {
    long created = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(createRevision("k", CompareResult.LESS, created + 1)).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareModRevisionGreater_failsForEqualRevision(EtcdTarget target) {
    long modified = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(modRevision("k", CompareResult.GREATER, modified)).build());

    assertThat(response.getSucceeded()).isFalse();
  }

  @ConformanceTest
  void txn_compareValueNotEqual_holdsForADifferentValue(EtcdTarget target) {
    put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(value("k", CompareResult.NOT_EQUAL, bytes("w"))).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareValueGreater_usesUnsignedByteOrder(EtcdTarget target) {
    kv(target).put(putRequest("k", "").toBuilder().setValue(bytes(0x80)).build());

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(value("k", CompareResult.GREATER, bytes(0x7f, 0xff))).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void txn_compareLeaseEqual_holdsForTheAttachedLease(EtcdTarget target, Client client) {
    long leaseId = grantLease(client);
    try {
      kv(target).put(putRequest("k", "v").toBuilder().setLease(leaseId).build());

      TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
          .addCompare(lease("k", CompareResult.EQUAL, leaseId)).build());

      assertThat(response.getSucceeded()).isTrue();
    } finally {
      revokeLease(client, leaseId);
    }
  }

  @ConformanceTest
  void txn_compareValueOnMissingKey_isFalseEvenForNotEqual(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(value("missing", CompareResult.NOT_EQUAL, bytes("anything"))).build());

    assertThat(response.getSucceeded()).isFalse();
  }

  @ConformanceTest
  void txn_compareVersionOnMissingKey_comparesAgainstZero(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(version("missing", CompareResult.EQUAL, 0)).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareLeaseOnMissingKey_comparesAgainstZero(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(lease("missing", CompareResult.EQUAL, 0)).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareOperandOfAnotherTarget_comparesAgainstZero(EtcdTarget target) {
    put(target, "k", "v");
    // Target VERSION, but the operand is set in the mod_revision member: the server compares with 0.
    Compare mismatched = Compare.newBuilder().setKey(bytes("k")).setTarget(Compare.CompareTarget.VERSION)
        .setResult(CompareResult.GREATER).setModRevision(1_000_000).build();

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addCompare(mismatched).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareWithRangeEnd_requiresEveryKeyInRange(EtcdTarget target) {
    put(target, "r/1", "v");
    put(target, "r/2", "v");
    put(target, "r/2", "v");
    Compare allVersionOne = version("r/", CompareResult.EQUAL, 1).toBuilder().setRangeEnd(bytes("r0")).build();

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addCompare(allVersionOne).build());

    assertThat(response.getSucceeded()).isFalse();
  }

  @ConformanceTest
  void txn_compareWithRangeEnd_holdsWhenEveryKeySatisfiesIt(EtcdTarget target) {
    put(target, "r/1", "v");
    put(target, "r/2", "v");
    put(target, "r/2", "v");
    Compare allAtLeastOne = version("r/", CompareResult.GREATER, 0).toBuilder().setRangeEnd(bytes("r0")).build();

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addCompare(allAtLeastOne).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareVersionOverEmptyRange_comparesAgainstZero(EtcdTarget target) {
    put(target, "other", "v");
    Compare noneExist = version("r/", CompareResult.EQUAL, 0).toBuilder().setRangeEnd(bytes("r0")).build();

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addCompare(noneExist).build());

    assertThat(response.getSucceeded()).isTrue();
  }

  @ConformanceTest
  void txn_compareValueOverEmptyRange_isFalse(EtcdTarget target) {
    Compare differs = value("r/", CompareResult.NOT_EQUAL, bytes("x")).toBuilder().setRangeEnd(bytes("r0")).build();

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addCompare(differs).build());

    assertThat(response.getSucceeded()).isFalse();
  }

  @ConformanceTest
  void txn_compareRangeEndZeroByte_coversEveryKeyFromKey(EtcdTarget target) {
    put(target, "a", "v");
    put(target, "b", "v");
    put(target, "b", "v");
    Compare fromB = version("b", CompareResult.EQUAL, 2).toBuilder().setRangeEnd(ZERO).build();
    Compare fromA = version("a", CompareResult.EQUAL, 2).toBuilder().setRangeEnd(ZERO).build();

    assertThat(kv(target).txn(TxnRequest.newBuilder().addCompare(fromB).build()).getSucceeded()).isTrue();
    assertThat(kv(target).txn(TxnRequest.newBuilder().addCompare(fromA).build()).getSucceeded()).isFalse();
  }

  @ConformanceTest
  void txn_rangeAfterPut_seesThePut(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("k", "fresh")).addSuccess(rangeOp("k")).build());

    assertThat(response.getResponses(1).getResponseRange().getKvsList())
        .extracting(KeyValue::getValue).containsExactly(bytes("fresh"));
  }

  @ConformanceTest
  void txn_severalWrites_shareOneNewRevision(EtcdTarget target) {
    long before = put(target, "old", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("a", "1")).addSuccess(putOp("b", "2")).addSuccess(deleteOp("old", "")).build());

    assertThat(response.getHeader().getRevision()).isEqualTo(before + 1);
    assertThat(single(target, "a").getModRevision()).isEqualTo(before + 1);
    assertThat(single(target, "b").getModRevision()).isEqualTo(before + 1);
    assertThat(get(target, "old").getKvsList()).isEmpty();
  }

  @ConformanceTest
  void txn_readOnly_keepsTheRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(version("k", CompareResult.EQUAL, 1)).addSuccess(rangeOp("k")).addFailure(rangeOp("other")).build());

    assertThat(response.getHeader().getRevision()).isEqualTo(current);
    assertThat(currentRevision(target)).isEqualTo(current);
  }

  @ConformanceTest
  void txn_takenBranchOnlyReads_keepsTheRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addCompare(version("k", CompareResult.EQUAL, 1)).addSuccess(rangeOp("k")).addFailure(putOp("k", "w")).build());

    assertThat(response.getSucceeded()).isTrue();
    assertThat(response.getHeader().getRevision()).isEqualTo(current);
    assertThat(currentRevision(target)).isEqualTo(current);
  }

  @ConformanceTest
  void txn_innerPutHeader_carriesOnlyTheNewRevision(EtcdTarget target) {
    long before = put(target, "other", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder().addSuccess(putOp("k", "v")).build());

    assertOnlyRevision(response.getResponses(0).getResponsePut().getHeader(), before + 1);
  }

  @ConformanceTest
  void txn_innerRangeBeforeAnyWrite_carriesOnlyTheCurrentRevision(EtcdTarget target) {
    long before = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(rangeOp("k")).addSuccess(putOp("other", "v")).build());

    assertOnlyRevision(response.getResponses(0).getResponseRange().getHeader(), before);
  }

  @ConformanceTest
  void txn_innerRangeAfterAWrite_carriesTheNewRevision(EtcdTarget target) {
    long before = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("other", "v")).addSuccess(rangeOp("k")).build());

    assertOnlyRevision(response.getResponses(1).getResponseRange().getHeader(), before + 1);
  }

  @ConformanceTest
  void txn_innerDeleteOfNothingBeforeAnyWrite_carriesTheCurrentRevision(EtcdTarget target) {
    long before = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(deleteOp("missing", "")).addSuccess(putOp("other", "v")).build());

    assertOnlyRevision(response.getResponses(0).getResponseDeleteRange().getHeader(), before);
  }

  @ConformanceTest
  void txn_innerDeleteOfNothingAfterAWrite_carriesTheNewRevision(EtcdTarget target) {
    long before = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("other", "v")).addSuccess(deleteOp("missing", "")).build());

    assertOnlyRevision(response.getResponses(1).getResponseDeleteRange().getHeader(), before + 1);
  }

  @ConformanceTest
  void txn_nestedTxnResponseHeader_isEmpty(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(txnOp(TxnRequest.newBuilder().addSuccess(putOp("k", "v")))).build());

    assertThat(response.getResponses(0).hasResponseTxn()).isTrue();
    assertThat(response.getResponses(0).getResponseTxn().getHeader()).isEqualTo(ResponseHeader.getDefaultInstance());
  }

  @ConformanceTest
  void txn_nestedTxn_reportsItsBranchAndResponses(EtcdTarget target) {
    long before = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(txnOp(TxnRequest.newBuilder()
            .addCompare(version("k", CompareResult.EQUAL, 5))
            .addSuccess(putOp("result", "then"))
            .addFailure(putOp("result", "else")))).build());

    TxnResponse nested = response.getResponses(0).getResponseTxn();
    assertThat(nested.getSucceeded()).isFalse();
    assertThat(nested.getResponsesList()).extracting(ResponseOp::hasResponsePut).containsExactly(true);
    assertOnlyRevision(nested.getResponses(0).getResponsePut().getHeader(), before + 1);
    assertThat(single(target, "result").getValue()).isEqualTo(bytes("else"));
  }

  @ConformanceTest
  void txn_nestedCompare_seesThePreTxnState(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("k", "written"))
        .addSuccess(txnOp(TxnRequest.newBuilder()
            .addCompare(version("k", CompareResult.EQUAL, 0))
            .addSuccess(putOp("result", "saw-absent"))
            .addFailure(putOp("result", "saw-written")))).build());

    assertThat(response.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
    assertThat(single(target, "result").getValue()).isEqualTo(bytes("saw-absent"));
  }

  @ConformanceTest
  void txn_nestedRange_seesEarlierWritesOfTheTxn(EtcdTarget target) {
    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(putOp("k", "written"))
        .addSuccess(txnOp(TxnRequest.newBuilder().addSuccess(rangeOp("k")))).build());

    assertThat(response.getResponses(1).getResponseTxn().getResponses(0).getResponseRange().getKvsList())
        .extracting(KeyValue::getValue).containsExactly(bytes("written"));
  }

  @ConformanceTest
  void txn_onlyANestedTxnThatReads_keepsTheRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(txnOp(TxnRequest.newBuilder().addSuccess(rangeOp("k")))).build());

    assertThat(response.getHeader().getRevision()).isEqualTo(current);
    assertThat(currentRevision(target)).isEqualTo(current);
  }

  @ConformanceTest
  void txn_opsOfTheTakenBranch_runInOrder(EtcdTarget target) {
    put(target, "k", "v");

    TxnResponse response = kv(target).txn(TxnRequest.newBuilder()
        .addSuccess(deleteOp("k", "")).addSuccess(rangeOp("k")).addSuccess(putOp("j", "v")).addSuccess(rangeOp("j"))
        .build());

    assertThat(response.getResponses(0).getResponseDeleteRange().getDeleted()).isEqualTo(1);
    assertThat(response.getResponses(1).getResponseRange().getCount()).isZero();
    assertThat(keys(response.getResponses(3).getResponseRange())).containsExactly("j");
  }

  private static void assertOnlyRevision(ResponseHeader header, long revision) {
    assertThat(header).isEqualTo(ResponseHeader.newBuilder().setRevision(revision).build());
  }
}
