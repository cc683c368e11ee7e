package dev.fakeetcd.conformance;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/**
 * Blocking stubs with a deadline, so a member that stops answering fails the call instead of
 * hanging the test.
 */
public final class Stubs {

  private Stubs() {}

  public static KVGrpc.KVBlockingStub kv(ManagedChannel channel) {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public static ClusterGrpc.ClusterBlockingStub members(ManagedChannel channel) {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public static MaintenanceGrpc.MaintenanceBlockingStub maintenance(ManagedChannel channel) {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public static MaintenanceGrpc.MaintenanceBlockingStub maintenance(EtcdTarget target,
      int member) {
    return MaintenanceGrpc.newBlockingStub(target.channels().get(member))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** Status of the member behind {@code channel}; short, as tests poll it while members start. */
  public static StatusResponse status(ManagedChannel channel) {
    return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .status(StatusRequest.getDefaultInstance());
  }
}
