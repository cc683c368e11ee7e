package dev.fakeetcd.conformance;

import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/** Plaintext netty channels to single members. */
public final class Channels {

  private Channels() {}

  public static ManagedChannel plaintext(URI endpoint) {
    return NettyChannelBuilder.forAddress(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()))
        .usePlaintext()
        .build();
  }

  /**
   * Polls Status on {@code endpoint} until the member there knows a leader (a learner answers
   * Status and nothing else), for at most {@code timeout}; fails with {@code diagnostics} when it
   * does not or when {@code running} turns false.
   */
  static void awaitLeaderKnown(URI endpoint, Duration timeout, BooleanSupplier running,
      Supplier<String> diagnostics) {
    ManagedChannel channel = plaintext(endpoint);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (running.getAsBoolean() && System.nanoTime() - deadline < 0) {
        try {
          if (MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
              .status(StatusRequest.getDefaultInstance()).getLeader() != 0) {
            return;
          }
        } catch (StatusRuntimeException notServingYet) {
          // not listening or no leader known yet
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      shutdown(List.of(channel));
    }
    throw new IllegalStateException(diagnostics.get());
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
