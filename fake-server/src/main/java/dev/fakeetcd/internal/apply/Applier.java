package dev.fakeetcd.internal.apply;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.rpctypes.EtcdException;

/**
 * One link of the apply chain, as etcd 3.4's {@code applierV3} ({@code etcdserver/apply.go}):
 * a link refuses what it must and hands the rest to the next; the last applies to the stores.
 * The chain is {@link AlarmApplier}, {@link AuthApplier}, {@link QuotaApplier},
 * {@link StoreApplier}.
 */
interface Applier {

  /** Where an entry stands in the log and who proposed it. */
  record Origin(long index, AuthInfo who) {
  }

  /**
   * Applies {@code request}, the message of an entry of {@code kind}.
   *
   * @throws EtcdException the request is refused, or failed leaving the stores unchanged
   */
  Applied apply(RaftRequest.Kind kind, MessageLite request, Origin origin);
}
