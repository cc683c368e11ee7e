package dev.fakeetcd.server;

import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** {@code etcdserverpb.Maintenance} of one member; only Status so far. */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

  private final EtcdServer server;
  private final MemberServer member;

  MaintenanceService(EtcdServer server, MemberServer member) {
    this.server = server;
    this.member = member;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    server.call(member, responses, () -> CompletableFuture.completedFuture(member.status()));
  }
}
