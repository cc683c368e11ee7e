package dev.fakeetcd.conformance;

import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Netty channels to single members, plaintext or over TLS. */
public final class Channels {

  private Channels() {}

  public static ManagedChannel plaintext(URI endpoint) {
    return NettyChannelBuilder.forAddress(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()))
        .usePlaintext()
        .build();
  }

  /** A channel to {@code endpoint}: plaintext when {@code tls} is null. */
  public static ManagedChannel to(URI endpoint, ClientTls tls) {
    if (tls == null) {
      return plaintext(endpoint);
    }
    try {
      SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(tls.caFile().toFile());
      if (tls.client() != null) {
        ssl.keyManager(tls.client().certFile().toFile(), tls.client().keyFile().toFile());
      }
      return NettyChannelBuilder.forAddress(
          new InetSocketAddress(endpoint.getHost(), endpoint.getPort())).sslContext(ssl.build())
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot read the test certificates", e);
    }
  }

  /**
   * Polls Status on {@code endpoint} until the member there knows a leader (a learner answers
   * Status and nothing else), for at most {@code timeout}; fails with {@code diagnostics} when it
   * does not or when {@code running} turns false.
   */
  static void awaitLeaderKnown(URI endpoint, ClientTls tls, Duration timeout,
      BooleanSupplier running, Supplier<String> diagnostics) {
    ManagedChannel channel = to(endpoint, tls);
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
