package dev.fakeetcd.internal.v3rpc;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.mvcc.MvccStore;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request-time field validation of KV requests, in etcd's order (the gRPC layer's
 * {@code checkRangeRequest}, {@code checkPutRequest}, {@code checkDeleteRequest} and
 * {@code checkTxnRequest} in {@code etcdserver/api/v3rpc/key.go}, etcd 3.4), before the request
 * reaches the member's request path; the first failure wins. Throws {@link EtcdException}.
 */
public final class KvValidator {
  /** etcd's default {@code --max-txn-ops}. */
  public static final int DEFAULT_MAX_TXN_OPS = 128;

  private final int maxTxnOps;

  public KvValidator(int maxTxnOps) {
    if (maxTxnOps < 1) {
      throw new IllegalArgumentException("maxTxnOps must be positive: " + maxTxnOps);
    }
    this.maxTxnOps = maxTxnOps;
  }

  public void checkRange(RangeRequest request) {
    requireKey(request.getKey());
  }

  public void checkPut(PutRequest request) {
    requireKey(request.getKey());
    if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
      throw EtcdError.VALUE_PROVIDED.toException();
    }
    if (request.getIgnoreLease() && request.getLease() != 0) {
      throw EtcdError.LEASE_PROVIDED.toException();
    }
  }

  public void checkDeleteRange(DeleteRangeRequest request) {
    requireKey(request.getKey());
  }

  /**
   * Op counts, compare keys and every op of both branches (recursively), then the duplicate-key
   * check of the success branch, then of the failure branch.
   */
  public void checkTxn(TxnRequest request) {
    checkTxnFields(request, maxTxnOps);
    DuplicateCheck.of(request.getSuccessList());
    DuplicateCheck.of(request.getFailureList());
  }

  /**
   * Whether etcd serves the txn without raft: every op of both branches is a Range (an empty txn
   * counts; a nested txn does not).
   */
  public static boolean isReadOnly(TxnRequest request) {
    return request.getSuccessList().stream().allMatch(RequestOp::hasRequestRange)
        && request.getFailureList().stream().allMatch(RequestOp::hasRequestRange);
  }

  /** Whether a read-only txn may skip the linearizable read barrier: every Range is serializable. */
  public static boolean isSerializable(TxnRequest request) {
    return request.getSuccessList().stream().allMatch(op -> op.hasRequestRange() && op.getRequestRange().getSerializable())
        && request.getFailureList().stream().allMatch(op -> op.hasRequestRange() && op.getRequestRange().getSerializable());
  }

  /** A nested txn gets the budget left after its parent's own op count. */
  private void checkTxnFields(TxnRequest txn, int budget) {
    int ops = Math.max(txn.getCompareCount(), Math.max(txn.getSuccessCount(), txn.getFailureCount()));
    if (ops > budget) {
      throw EtcdError.TOO_MANY_OPS.toException();
    }
    for (Compare compare : txn.getCompareList()) {
      requireKey(compare.getKey());
    }
    for (RequestOp op : txn.getSuccessList()) {
      checkOp(op, budget - ops);
    }
    for (RequestOp op : txn.getFailureList()) {
      checkOp(op, budget - ops);
    }
  }

  private void checkOp(RequestOp op, int budget) {
    switch (op.getRequestCase()) {
      case REQUEST_RANGE -> checkRange(op.getRequestRange());
      case REQUEST_PUT -> checkPut(op.getRequestPut());
      case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
      case REQUEST_TXN -> checkTxnFields(op.getRequestTxn(), budget);
      case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.toException();
    }
  }

  private static void requireKey(ByteString key) {
    if (key.isEmpty()) {
      throw EtcdError.EMPTY_KEY.toException();
    }
  }

  /**
   * etcd's put/delete overlap check of one branch, following its traversal: this level's deletes
   * first, then each nested txn (its puts checked against the deletes seen so far, its deletes
   * added afterwards), then this level's puts against everything. Because a nested txn's puts are
   * never checked against deletes of later siblings, [txn{put k}, txn{delete k}] passes while the
   * reverse order fails; and a delete whose range_end is "\0" never conflicts (etcd compares it as
   * an empty interval).
   */
  private static final class DuplicateCheck {
    private final Set<ByteString> puts = new TreeSet<>(MvccStore.KEY_ORDER);
    private final List<ByteString[]> deletes = new ArrayList<>();

    static DuplicateCheck of(List<RequestOp> ops) {
      DuplicateCheck level = new DuplicateCheck();
      for (RequestOp op : ops) {
        if (op.hasRequestDeleteRange()) {
          DeleteRangeRequest delete = op.getRequestDeleteRange();
          ByteString end = delete.getRangeEnd().isEmpty()
              ? delete.getKey().concat(ByteString.copyFrom(new byte[] {0}))
              : delete.getRangeEnd();
          level.deletes.add(new ByteString[] {delete.getKey(), end});
        }
      }
      for (RequestOp op : ops) {
        if (!op.hasRequestTxn()) {
          continue;
        }
        DuplicateCheck then = of(op.getRequestTxn().getSuccessList());
        DuplicateCheck otherwise = of(op.getRequestTxn().getFailureList());
        for (ByteString key : then.puts) {
          level.addPut(key);
        }
        for (ByteString key : otherwise.puts) {
          // then and else of one txn exclude each other, so sharing a key is fine
          if (level.puts.contains(key) && !then.puts.contains(key) || level.deleted(key)) {
            throw EtcdError.DUPLICATE_KEY.toException();
          }
          level.puts.add(key);
        }
        level.deletes.addAll(then.deletes);
        level.deletes.addAll(otherwise.deletes);
      }
      for (RequestOp op : ops) {
        if (op.hasRequestPut()) {
          level.addPut(op.getRequestPut().getKey());
        }
      }
      return level;
    }

    private void addPut(ByteString key) {
      if (puts.contains(key) || deleted(key)) {
        throw EtcdError.DUPLICATE_KEY.toException();
      }
      puts.add(key);
    }

    /** Half-open [begin, end) containment, unsigned byte order; an inverted interval is empty. */
    private boolean deleted(ByteString key) {
      for (ByteString[] range : deletes) {
        if (MvccStore.KEY_ORDER.compare(range[0], key) <= 0 && MvccStore.KEY_ORDER.compare(key, range[1]) < 0) {
          return true;
        }
      }
      return false;
    }
  }
}
