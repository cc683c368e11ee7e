package dev.fakeetcd.conformance;

import java.util.Optional;

/** {@link RealEtcdCluster}s as conformance targets. */
final class RealEtcdTarget {

  private RealEtcdTarget() {}

  static EtcdTargetFactory factory(int members) {
    return new EtcdTargetFactory() {
      @Override
      public StartedTarget start(String name, LaunchOptions options) {
        RealEtcdCluster cluster = RealEtcdCluster.start(EtcdBinary.path(), name, members,
            options.etcdFlags());
        return StartedTarget.of(name, cluster.clientUrls(), cluster);
      }

      @Override
      public Optional<String> unavailableReason() {
        return EtcdBinary.unavailableReason();
      }
    };
  }
}
