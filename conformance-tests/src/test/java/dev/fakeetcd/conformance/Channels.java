package dev.fakeetcd.conformance;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Plaintext netty channels to single members. */
public final class Channels {

  private Channels() {}

  public static ManagedChannel plaintext(URI endpoint) {
    return NettyChannelBuilder.forAddress(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()))
        .usePlaintext()
        .build();
  }

  public static void shutdown(List<ManagedChannel> channels) {
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
