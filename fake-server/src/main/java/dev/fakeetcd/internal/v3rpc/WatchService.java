package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Watch} of one member: each call opens a stream on the member's hub. */
public final class WatchService extends WatchGrpc.WatchImplBase {

  private final Cluster cluster;
  private final MemberServer member;

  public WatchService(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    WatchStream stream = new WatchStream(cluster, member,
        (ServerCallStreamObserver<WatchResponse>) responses);
    stream.open();
    return stream;
  }
}
