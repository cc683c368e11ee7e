package dev.fakeetcd.internal.apply;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.rpctypes.EtcdError;

/**
 * etcd 3.4's corrupt and capped appliers ({@code applierV3Corrupt}, {@code applierV3Capped} in
 * {@code etcdserver/apply.go}): an enforced CORRUPT alarm refuses every write, compaction and lease
 * grant or revoke; an enforced NOSPACE alarm refuses puts, lease grants and txns with a top-level
 * put (whichever branch runs). One of them at a time, as {@link AlarmStore#enforced()} says.
 * Enforced at apply, so request validation comes first.
 */
final class AlarmApplier implements Applier {
  private final AlarmStore alarms;
  private final Applier next;

  AlarmApplier(AlarmStore alarms, Applier next) {
    this.alarms = alarms;
    this.next = next;
  }

  @Override
  public Applied apply(RaftRequest.Kind kind, MessageLite request, Origin origin) {
    switch (kind) {
      case PUT, DELETE_RANGE, TXN, COMPACTION, LEASE_GRANT, LEASE_REVOKE -> {
        AlarmType enforced = alarms.enforced();
        if (enforced == AlarmType.CORRUPT) {
          throw EtcdError.CORRUPT.toException();
        }
        if (enforced == AlarmType.NOSPACE && costsSpace(kind, request)) {
          throw EtcdError.NO_SPACE.toException();
        }
      }
      default -> { }
    }
    return next.apply(kind, request, origin);
  }

  private static boolean costsSpace(RaftRequest.Kind kind, MessageLite request) {
    return switch (kind) {
      case PUT, LEASE_GRANT -> true;
      case TXN -> BackendQuota.cost((TxnRequest) request) > 0;
      default -> false;
    };
  }
}
