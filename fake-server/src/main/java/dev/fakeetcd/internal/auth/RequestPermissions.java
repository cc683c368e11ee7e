package dev.fakeetcd.internal.auth;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import java.util.List;

/**
 * What a KV request needs of its caller's permissions, as etcd's {@code authApplierV3} and
 * {@code checkTxnAuth} ({@code etcdserver/apply_auth.go}) check it: the first refusal is thrown.
 * One deliberate difference: ops and compares of a nested txn are checked like top-level ones,
 * where etcd 3.4.23 checks none of them.
 */
public final class RequestPermissions {

  private RequestPermissions() {
  }

  public static void checkRange(AuthStore auth, AuthInfo who, RangeRequest request) {
    auth.checkRange(who, request.getKey(), request.getRangeEnd());
  }

  /**
   * WRITE on the key; WRITE on every key already attached to the lease it names (whose keys the
   * caller could not revoke otherwise); READ on the key with {@code prev_kv}.
   */
  public static void checkPut(AuthStore auth, AuthInfo who, PutRequest request,
      List<ByteString> leaseKeys) {
    auth.checkPut(who, request.getKey());
    checkLeaseKeys(auth, who, leaseKeys);
    if (request.getPrevKv()) {
      auth.checkRange(who, request.getKey(), ByteString.EMPTY);
    }
  }

  public static void checkDeleteRange(AuthStore auth, AuthInfo who, DeleteRangeRequest request) {
    auth.checkDeleteRange(who, request.getKey(), request.getRangeEnd());
    if (request.getPrevKv()) {
      auth.checkRange(who, request.getKey(), request.getRangeEnd());
    }
  }

  /** A lease revoke deletes the lease's keys: WRITE on each. */
  public static void checkLeaseKeys(AuthStore auth, AuthInfo who, List<ByteString> leaseKeys) {
    for (ByteString key : leaseKeys) {
      auth.checkPut(who, key);
    }
  }

  /**
   * READ on every compare's range, then every op of the success branch, then of the failure
   * branch, taken or not; in a txn, a put's {@code prev_kv} and lease are not checked (etcd
   * 3.4.23's {@code checkTxnReqsPermission}), a delete's {@code prev_kv} is, before its WRITE.
   */
  public static void checkTxn(AuthStore auth, AuthInfo who, TxnRequest request) {
    for (Compare c : request.getCompareList()) {
      auth.checkRange(who, c.getKey(), c.getRangeEnd());
    }
    checkOps(auth, who, request.getSuccessList());
    checkOps(auth, who, request.getFailureList());
  }

  private static void checkOps(AuthStore auth, AuthInfo who, List<RequestOp> ops) {
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case REQUEST_RANGE -> checkRange(auth, who, op.getRequestRange());
        case REQUEST_PUT -> auth.checkPut(who, op.getRequestPut().getKey());
        case REQUEST_DELETE_RANGE -> {
          DeleteRangeRequest d = op.getRequestDeleteRange();
          if (d.getPrevKv()) {
            auth.checkRange(who, d.getKey(), d.getRangeEnd());
          }
          auth.checkDeleteRange(who, d.getKey(), d.getRangeEnd());
        }
        // etcd 3.4.23 leaves nested txns unchecked (fixed in 3.4.42); we do not.
        case REQUEST_TXN -> checkTxn(auth, who, op.getRequestTxn());
        default -> { }
      }
    }
  }
}
