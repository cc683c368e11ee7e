package dev.fakeetcd.conformance;

import java.util.List;
import java.util.Optional;

/** {@link RealEtcdCluster}s as conformance targets. */
final class RealEtcdTarget {

  private RealEtcdTarget() {}

  static EtcdTargetFactory factory(int members) {
    return new EtcdTargetFactory() {
      @Override
      public StartedTarget start(String name, long quotaBackendBytes) {
        List<String> flags = quotaBackendBytes == 0 ? List.of()
            : List.of("--quota-backend-bytes=" + quotaBackendBytes);
        RealEtcdCluster cluster = RealEtcdCluster.start(EtcdBinary.path(), name, members, flags);
        return StartedTarget.of(name, cluster.clientUrls(), cluster);
      }

      @Override
      public Optional<String> unavailableReason() {
        return EtcdBinary.unavailableReason();
      }
    };
  }
}
