package dev.fakeetcd.conformance;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A running cluster, fake or real, with the clients a test uses on its client URLs. */
final class StartedTarget implements EtcdTarget {

  private final String name;
  private final List<URI> endpoints;
  private final AutoCloseable cluster;
  private final Client client;
  private final List<ManagedChannel> channels;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StartedTarget(String name, List<URI> endpoints, AutoCloseable cluster) {
    this.name = name;
    this.endpoints = List.copyOf(endpoints);
    this.cluster = cluster;
    this.client = Client.builder().endpoints(endpoints.toArray(URI[]::new)).build();
    this.channels = endpoints.stream().map(Channels::plaintext).toList();
  }

  /** Wraps {@code cluster}, closing it if the clients cannot be made. */
  static EtcdTarget of(String name, List<URI> endpoints, AutoCloseable cluster) {
    try {
      return new StartedTarget(name, endpoints, cluster);
    } catch (RuntimeException e) {
      try {
        close(cluster);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int memberCount() {
    return endpoints.size();
  }

  @Override
  public List<URI> endpoints() {
    return endpoints;
  }

  @Override
  public Client client() {
    return client;
  }

  @Override
  public List<ManagedChannel> channels() {
    return channels;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      client.close();
      Channels.shutdown(channels);
    } finally {
      close(cluster);
    }
  }

  private static void close(AutoCloseable cluster) {
    try {
      cluster.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the cluster", e);
    }
  }

  @Override
  public String toString() {
    return name + " " + endpoints;
  }
}
