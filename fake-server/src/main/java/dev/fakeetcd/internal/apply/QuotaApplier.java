package dev.fakeetcd.internal.apply;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.backend.BackendFile;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.rpctypes.EtcdError;

/**
 * etcd 3.4's {@code quotaApplierV3} ({@code etcdserver/apply.go}): Put, Txn and LeaseGrant are
 * checked against the space quota before they apply; one that does not fit is still applied, but
 * answers NOSPACE (unless it failed on its own).
 */
final class QuotaApplier implements Applier {
  private final BackendFile backend;
  private final Applier next;

  QuotaApplier(BackendFile backend, Applier next) {
    this.backend = backend;
    this.next = next;
  }

  @Override
  public Applied apply(RaftRequest.Kind kind, MessageLite request, Origin origin) {
    long cost = switch (kind) {
      case PUT -> BackendQuota.cost((PutRequest) request);
      case TXN -> BackendQuota.cost((TxnRequest) request);
      case LEASE_GRANT -> BackendQuota.LEASE_COST;
      default -> 0; // costs nothing, so always fits
    };
    boolean fits = backend.fits(cost);
    Applied applied = next.apply(kind, request, origin);
    return fits ? applied : new Applied(EtcdError.NO_SPACE.toException(), applied.events());
  }
}
