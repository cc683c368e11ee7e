package dev.fakeetcd.conformance;

import java.util.Optional;

/** {@link RealEtcdCluster}s as conformance targets. */
final class RealEtcdTarget {

  private RealEtcdTarget() {}

  static EtcdTargetFactory factory(int members) {
    return new EtcdTargetFactory() {
      @Override
      public StartedTarget start(String name, LaunchOptions options) {
        ClientTls tls = options.harnessTls().orElse(null);
        RealEtcdCluster cluster = RealEtcdCluster.start(EtcdBinary.path(), name, members,
            options.etcdFlags(), tls);
        return StartedTarget.of(name, cluster.clientUrls(), tls, cluster);
      }

      @Override
      public Optional<String> unavailableReason() {
        return EtcdBinary.unavailableReason();
      }
    };
  }
}
