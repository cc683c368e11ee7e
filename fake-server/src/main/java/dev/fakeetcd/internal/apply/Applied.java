package dev.fakeetcd.internal.apply;

import dev.fakeetcd.api.Event;
import dev.fakeetcd.internal.mvcc.WriteResult;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.util.List;

/**
 * What one applied entry answers and changed.
 *
 * @param outcome the response message, or the {@link EtcdException} the request answers although
 *     it was applied (over the quota)
 * @param events the events of the revision it created, in etcd's order; empty if none
 */
record Applied(Object outcome, List<Event> events) {

  static Applied of(WriteResult<?> result) {
    return new Applied(result.response(), result.events());
  }
}
