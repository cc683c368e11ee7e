package dev.fakeetcd.internal.apply;

import com.google.protobuf.MessageLite;
import dev.fakeetcd.internal.rpctypes.EtcdException;

/**
 * One link of the apply chain, as etcd 3.4's {@code applierV3} ({@code etcdserver/apply.go}):
 * a link refuses what it must and hands the rest to the next; the last applies to the stores.
 * The chain is {@link AlarmApplier}, {@link QuotaApplier}, {@link StoreApplier}; auth will be a
 * link between the first two, where etcd puts its {@code authApplierV3}.
 */
interface Applier {

  /**
   * Applies {@code request}, the message of an entry of {@code kind}.
   *
   * @throws EtcdException the request is refused, or failed leaving the stores unchanged
   */
  Applied apply(RaftRequest.Kind kind, MessageLite request);
}
