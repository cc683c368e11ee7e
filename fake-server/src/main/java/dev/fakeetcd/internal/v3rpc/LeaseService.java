package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrantResponse;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseKeepAliveRequest;
import dev.fakeetcd.api.LeaseKeepAliveResponse;
import dev.fakeetcd.api.LeaseLeasesRequest;
import dev.fakeetcd.api.LeaseLeasesResponse;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.LeaseRevokeResponse;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.LeaseTimeToLiveResponse;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberLeases;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** {@code etcdserverpb.Lease} of one member: hands each call to the member's leases. */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {

  private final Cluster cluster;
  private final MemberServer member;
  private final MemberLeases leases;

  public LeaseService(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
    this.leases = member.leases();
  }

  @Override
  public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> leases.grant(request, caller));
  }

  @Override
  public void leaseRevoke(LeaseRevokeRequest request,
      StreamObserver<LeaseRevokeResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> leases.revoke(request, caller));
  }

  @Override
  public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
      StreamObserver<LeaseKeepAliveResponse> responses) {
    LeaseKeepAliveStream stream = new LeaseKeepAliveStream(cluster, leases,
        (ServerCallStreamObserver<LeaseKeepAliveResponse>) responses);
    leases.opened(stream);
    return stream;
  }

  @Override
  public void leaseTimeToLive(LeaseTimeToLiveRequest request,
      StreamObserver<LeaseTimeToLiveResponse> responses) {
    cluster.call(member, responses, () -> leases.timeToLive(request));
  }

  @Override
  public void leaseLeases(LeaseLeasesRequest request,
      StreamObserver<LeaseLeasesResponse> responses) {
    cluster.call(member, responses, () -> CompletableFuture.completedFuture(leases.leases()));
  }
}
