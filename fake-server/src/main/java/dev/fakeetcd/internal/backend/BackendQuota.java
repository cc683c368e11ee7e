package dev.fakeetcd.internal.backend;

import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import java.util.List;

/**
 * etcd's backend space quota ({@code --quota-backend-bytes}) and what Put, Txn and LeaseGrant cost
 * against it (etcd 3.4 {@code etcdserver/quota.go}). A request fits while the member's backend file
 * size plus its cost stays below the quota; a request that costs nothing always fits.
 */
public final class BackendQuota {

  /** etcd's default when the setting is 0. */
  static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;
  /** etcd's estimate of a lease's storage cost. */
  public static final long LEASE_COST = 64;
  /** etcd's estimate of a key's metadata cost, added to each put's key and value. */
  private static final long KV_OVERHEAD = 256;

  /** The effective quota; negative for none. */
  private volatile long bytes = DEFAULT_BYTES;

  /** etcd's setting: 0 for the 2 GiB default, negative for no quota. */
  public void set(long setting) {
    bytes = setting == 0 ? DEFAULT_BYTES : setting;
  }

  boolean fits(long backendSize, long cost) {
    long quota = bytes;
    return cost == 0 || quota < 0 || backendSize + cost < quota;
  }

  public static long cost(PutRequest put) {
    return KV_OVERHEAD + put.getKey().size() + put.getValue().size();
  }

  /** The costlier branch's top-level puts; nested txns cost nothing, as in etcd. */
  public static long cost(TxnRequest txn) {
    return Math.max(cost(txn.getSuccessList()), cost(txn.getFailureList()));
  }

  private static long cost(List<RequestOp> ops) {
    long sum = 0;
    for (RequestOp op : ops) {
      if (op.hasRequestPut()) {
        sum += cost(op.getRequestPut());
      }
    }
    return sum;
  }
}
