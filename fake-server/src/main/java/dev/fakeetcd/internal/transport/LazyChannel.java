package dev.fakeetcd.internal.transport;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A channel made at its first call: the JSON gateway's channel to its own member, which most
 * members never use (an idle in-process channel holds about 4 KiB). Shut down before that, it makes
 * none; a call after shutdown meets a channel made shut down, and fails as on any shut-down channel.
 */
final class LazyChannel extends ManagedChannel {

  private final Supplier<ManagedChannel> factory;
  /** Null until the first call; guarded by this. */
  private ManagedChannel channel;
  /** Guarded by this. */
  private boolean shutdown;

  LazyChannel(Supplier<ManagedChannel> factory) {
    this.factory = factory;
  }

  private synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = factory.get();
      if (shutdown) {
        channel.shutdownNow();
      }
    }
    return channel;
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return channel().newCall(method, options);
  }

  @Override
  public String authority() {
    return channel().authority();
  }

  @Override
  public synchronized ManagedChannel shutdown() {
    shutdown = true;
    if (channel != null) {
      channel.shutdown();
    }
    return this;
  }

  @Override
  public synchronized ManagedChannel shutdownNow() {
    shutdown = true;
    if (channel != null) {
      channel.shutdownNow();
    }
    return this;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && (channel == null || channel.isTerminated());
  }

  /** Without a channel made there is nothing to wait for: answers {@link #isTerminated} at once. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    ManagedChannel made;
    synchronized (this) {
      made = channel;
    }
    return made == null ? isTerminated() : made.awaitTermination(timeout, unit);
  }
}
