package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.DowngradeRequest;
import dev.fakeetcd.api.DowngradeResponse;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import io.grpc.Status;

/**
 * Maintenance.Downgrade: a deliberate divergence (docs/divergences.md). etcd 3.4 does not serve it;
 * the fake answers as etcd 3.5 would for a cluster at version 3.4.
 */
class DowngradeConformanceTest {

  @ConformanceTest
  void downgrade_validatePreviousMinor_isUnknownTo34AndValidatedByTheFake(EtcdTarget target) {
    MaintenanceGrpc.MaintenanceBlockingStub maintenance = maintenance(target, 0);
    DowngradeRequest validate = DowngradeRequest.newBuilder()
        .setAction(DowngradeRequest.DowngradeAction.VALIDATE).setVersion("3.3").build();

    if (target.name().startsWith("fake")) {
      DowngradeResponse response = maintenance.downgrade(validate);

      assertThat(response.getVersion()).isEqualTo("3.4.0");
      assertThat(response.getHeader().getMemberId()).isNotZero();
      assertThat(response.getHeader().getRevision()).isPositive();
    } else {
      assertFails(() -> maintenance.downgrade(validate), Status.Code.UNIMPLEMENTED,
          "unknown method Downgrade for service etcdserverpb.Maintenance");
    }
  }
}
