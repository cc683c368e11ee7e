package dev.fakeetcd.conformance;

import java.util.Optional;

/** Starts one kind of {@link EtcdTarget}; see {@link Targets}. */
interface EtcdTargetFactory {

  /** A target with etcd's default settings. */
  default StartedTarget start(String name) {
    return start(name, LaunchOptions.defaults());
  }

  /** A target whose members are started with {@code options}. */
  StartedTarget start(String name, LaunchOptions options);

  /** Why this target cannot run on this machine, if it cannot (e.g. no etcd binary). */
  default Optional<String> unavailableReason() {
    return Optional.empty();
  }

  /** Whether this target serves {@code rpc}; a real etcd serves them all. */
  default boolean serves(Rpc rpc) {
    return true;
  }
}
