package dev.fakeetcd.internal.mvcc;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.util.ArrayList;
import java.util.List;

/**
 * A Txn on one {@link MvccStore}, as etcd 3.4's {@code etcdserver/apply.go} evaluates it over
 * {@code mvcc/kvstore_txn.go}: the decision path of the top level and of every nested txn it
 * takes is fixed on the pre-txn state; the apply-time checks of the taken ops follow; then the
 * taken ops run in order, later ones seeing earlier writes, all writes sharing one new revision.
 * A txn that changes nothing keeps the revision.
 */
final class KvTxn {
  private final MvccStore store;

  KvTxn(MvccStore store) {
    this.store = store;
  }

  WriteResult<TxnResponse> apply(TxnRequest request) {
    Decision path = decide(request);
    checkTakenPuts(request, path);
    checkTakenRanges(request, path);
    MvccStore.Batch batch = store.batch();
    TxnResponse.Builder response = batch.run(() -> applyTxn(batch, request, path));
    response.setHeader(MvccStore.header(batch.readRevision()));
    return batch.commit(response.build());
  }

  /** The outcome of one txn level's compares and the decisions of the nested txns it takes. */
  private record Decision(boolean succeeded, List<Decision> nested) {
    List<RequestOp> taken(TxnRequest txn) {
      return succeeded ? txn.getSuccessList() : txn.getFailureList();
    }
  }

  private Decision decide(TxnRequest txn) {
    boolean succeeded = true;
    for (Compare compare : txn.getCompareList()) {
      if (!holds(compare)) {
        succeeded = false;
        break;
      }
    }
    List<Decision> nested = new ArrayList<>();
    for (RequestOp op : succeeded ? txn.getSuccessList() : txn.getFailureList()) {
      if (op.hasRequestTxn()) {
        nested.add(decide(op.getRequestTxn()));
      }
    }
    return new Decision(succeeded, nested);
  }

  /**
   * Every key in the compare's range must satisfy it; a missing key (or an empty range) compares
   * as a zero KeyValue, except that a VALUE compare on it is false whatever its result type, as
   * etcd cannot tell a missing value from an empty one.
   */
  private boolean holds(Compare compare) {
    List<KeyValue> kvs = store.liveAt(compare.getKey(), compare.getRangeEnd(), store.revision());
    if (kvs.isEmpty()) {
      return compare.getTargetValue() != Compare.CompareTarget.VALUE_VALUE
          && compareKv(compare, KeyValue.getDefaultInstance());
    }
    for (KeyValue kv : kvs) {
      if (!compareKv(compare, kv)) {
        return false;
      }
    }
    return true;
  }

  private static boolean compareKv(Compare compare, KeyValue kv) {
    int result = switch (compare.getTargetValue()) {
      case Compare.CompareTarget.VALUE_VALUE -> MvccStore.KEY_ORDER.compare(kv.getValue(),
          compare.hasValue() ? compare.getValue() : ByteString.EMPTY);
      case Compare.CompareTarget.CREATE_VALUE -> Long.compare(kv.getCreateRevision(),
          compare.hasCreateRevision() ? compare.getCreateRevision() : 0);
      case Compare.CompareTarget.MOD_VALUE -> Long.compare(kv.getModRevision(),
          compare.hasModRevision() ? compare.getModRevision() : 0);
      case Compare.CompareTarget.VERSION_VALUE -> Long.compare(kv.getVersion(),
          compare.hasVersion() ? compare.getVersion() : 0);
      case Compare.CompareTarget.LEASE_VALUE -> Long.compare(kv.getLease(),
          compare.hasLease() ? compare.getLease() : 0);
      default -> 0;
    };
    return switch (compare.getResultValue()) {
      case Compare.CompareResult.EQUAL_VALUE -> result == 0;
      case Compare.CompareResult.NOT_EQUAL_VALUE -> result != 0;
      case Compare.CompareResult.GREATER_VALUE -> result > 0;
      case Compare.CompareResult.LESS_VALUE -> result < 0;
      default -> true;
    };
  }

  /**
   * Per taken put, on the pre-txn state: the key of an ignore-flag put must exist, then the lease
   * must (etcd 3.4 {@code etcdserver/apply.go}, {@code checkRequestPut}).
   */
  private void checkTakenPuts(TxnRequest txn, Decision decision) {
    int nested = 0;
    for (RequestOp op : decision.taken(txn)) {
      if (op.hasRequestTxn()) {
        checkTakenPuts(op.getRequestTxn(), decision.nested().get(nested++));
      } else if (op.hasRequestPut()) {
        PutRequest put = op.getRequestPut();
        if ((put.getIgnoreValue() || put.getIgnoreLease()) && store.latest(put.getKey()) == null) {
          throw EtcdError.KEY_NOT_FOUND.toException();
        }
        if (put.getLease() != 0 && !store.leaseExists(put.getLease())) {
          throw EtcdError.LEASE_NOT_FOUND.toException();
        }
      }
    }
  }

  /**
   * Range revisions of the taken ops against the pre-txn state. Unlike a plain Range, a
   * negative revision is not read as "current" here: it fails as compacted unless it is not
   * below the compact revision.
   */
  private void checkTakenRanges(TxnRequest txn, Decision decision) {
    int nested = 0;
    for (RequestOp op : decision.taken(txn)) {
      if (op.hasRequestTxn()) {
        checkTakenRanges(op.getRequestTxn(), decision.nested().get(nested++));
      } else if (op.hasRequestRange()) {
        long rev = op.getRequestRange().getRevision();
        if (rev == 0) {
          continue;
        }
        if (rev > store.revision()) {
          throw EtcdError.FUTURE_REV.toException();
        }
        if (rev < store.compactRevision()) {
          throw EtcdError.COMPACTED.toException();
        }
      }
    }
  }

  private TxnResponse.Builder applyTxn(MvccStore.Batch batch, TxnRequest txn, Decision decision) {
    TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(decision.succeeded());
    int nested = 0;
    for (RequestOp op : decision.taken(txn)) {
      ResponseOp.Builder out = ResponseOp.newBuilder();
      switch (op.getRequestCase()) {
        case REQUEST_RANGE ->
            out.setResponseRange(store.range(op.getRequestRange(), batch.readRevision()));
        case REQUEST_PUT -> out.setResponsePut(store.put(batch, op.getRequestPut()));
        case REQUEST_DELETE_RANGE ->
            out.setResponseDeleteRange(store.deleteRange(batch, op.getRequestDeleteRange()));
        // etcd 3.4 answers a nested txn with an empty header.
        case REQUEST_TXN -> out.setResponseTxn(
            applyTxn(batch, op.getRequestTxn(), decision.nested().get(nested++))
                .setHeader(ResponseHeader.getDefaultInstance()));
        case REQUEST_NOT_SET -> { }
      }
      response.addResponses(out);
    }
    return response;
  }
}
