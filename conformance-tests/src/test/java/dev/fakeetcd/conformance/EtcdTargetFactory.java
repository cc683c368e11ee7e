package dev.fakeetcd.conformance;

import java.util.Optional;

/** Starts one kind of {@link EtcdTarget}; see {@link Targets}. */
interface EtcdTargetFactory {

  /** A target with etcd's default settings. */
  default StartedTarget start(String name) {
    return start(name, 0);
  }

  /** A target whose members have etcd's {@code --quota-backend-bytes} set to {@code quotaBackendBytes}. */
  StartedTarget start(String name, long quotaBackendBytes);

  /** Why this target cannot run on this machine, if it cannot (e.g. no etcd binary). */
  default Optional<String> unavailableReason() {
    return Optional.empty();
  }

  /** Whether this target serves {@code rpc}; a real etcd serves them all. */
  default boolean serves(Rpc rpc) {
    return true;
  }
}
