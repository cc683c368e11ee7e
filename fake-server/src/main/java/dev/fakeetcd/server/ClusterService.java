package dev.fakeetcd.server;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberPromoteResponse;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberRemoveResponse;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.MemberUpdateResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** {@code etcdserverpb.Cluster} of one member; the member list itself is {@link Membership}. */
final class ClusterService extends ClusterGrpc.ClusterImplBase {

  private final EtcdServer server;
  private final MemberServer member;

  ClusterService(EtcdServer server, MemberServer member) {
    this.server = server;
    this.member = member;
  }

  @Override
  public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> responses) {
    server.call(member, responses, () -> server.membership().add(member, request));
  }

  @Override
  public void memberRemove(MemberRemoveRequest request,
      StreamObserver<MemberRemoveResponse> responses) {
    server.call(member, responses, () -> server.membership().remove(member, request));
  }

  @Override
  public void memberUpdate(MemberUpdateRequest request,
      StreamObserver<MemberUpdateResponse> responses) {
    server.call(member, responses, () -> server.membership().update(member, request));
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> responses) {
    server.call(member, responses,
        () -> CompletableFuture.completedFuture(server.membership().list(member)));
  }

  @Override
  public void memberPromote(MemberPromoteRequest request,
      StreamObserver<MemberPromoteResponse> responses) {
    server.call(member, responses, () -> server.membership().promote(member, request));
  }
}
