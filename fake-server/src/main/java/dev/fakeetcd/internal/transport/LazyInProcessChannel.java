package dev.fakeetcd.internal.transport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InternalInProcessChannelBuilder;

/**
 * A direct-executor in-process channel to a member's own server, built on its first call: the
 * JSON gateway's, which most clusters never use (a channel costs about 0.15 ms to build).
 */
final class LazyInProcessChannel extends Channel {

  private final String name;
  /** Null until the first call. */
  private ManagedChannel channel;
  private boolean shutDown;

  LazyInProcessChannel(String name) {
    this.name = name;
  }

  private synchronized ManagedChannel channel() {
    if (channel == null) {
      InProcessChannelBuilder builder = InProcessChannelBuilder.forName(name).directExecutor();
      // No census stats: grpc-java looks census up by class name on every build, and each miss
      // searches the whole class path (about 0.1 ms on a test's).
      InternalInProcessChannelBuilder.setStatsEnabled(builder, false);
      channel = builder.build();
      if (shutDown) {
        // A call that comes after the shutdown fails as it would on the shut channel.
        channel.shutdownNow();
      }
    }
    return channel;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method,
      CallOptions options) {
    return channel().newCall(method, options);
  }

  @Override
  public String authority() {
    return channel().authority();
  }

  synchronized void shutdownNow() {
    shutDown = true;
    if (channel != null) {
      channel.shutdownNow();
    }
  }
}
