package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.watch.WatchHub;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code etcdserverpb.Watch} of one member: each call opens a stream on the member's hub. */
public final class WatchService extends WatchGrpc.WatchImplBase {

  private final WatchHub hub;

  public WatchService(WatchHub hub) {
    this.hub = hub;
  }

  @Override
  public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
    return hub.open((ServerCallStreamObserver<WatchResponse>) responses);
  }
}
