package dev.fakeetcd.server;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** {@code etcdserverpb.Cluster} of one member; only MemberList so far. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {

  private final EtcdServer server;
  private final MemberServer member;

  ClusterService(EtcdServer server, MemberServer member) {
    this.server = server;
    this.member = member;
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> responses) {
    server.call(member, responses, () -> CompletableFuture.completedFuture(server.memberList(member)));
  }
}
