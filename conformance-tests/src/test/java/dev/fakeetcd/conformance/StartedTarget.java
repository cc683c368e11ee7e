package dev.fakeetcd.conformance;

import dev.fakeetcd.TestCertificates;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * A running cluster, fake or real, with the clients a test uses on its client URLs. Shared targets
 * are handed to tests as {@link EtcdTarget}s; private ones as {@link PrivateCluster}s.
 */
final class StartedTarget implements PrivateCluster {

  private final String name;
  private final List<URI> endpoints;
  private final MemberControl cluster;
  /** Null for a plaintext target. */
  private final ClientTls tls;
  private final Client client;
  private final List<ManagedChannel> channels;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StartedTarget(String name, List<URI> endpoints, ClientTls tls, MemberControl cluster) {
    this.name = name;
    this.endpoints = new CopyOnWriteArrayList<>(endpoints);
    this.cluster = cluster;
    this.tls = tls;
    this.client = client(endpoints, tls);
    this.channels = new CopyOnWriteArrayList<>(
        endpoints.stream().map(e -> Channels.to(e, tls)).toList());
  }

  private static Client client(List<URI> endpoints, ClientTls tls) {
    ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(URI[]::new));
    if (tls != null) {
      try {
        builder.sslContext(ssl -> {
          ssl.trustManager(tls.caFile().toFile());
          if (tls.client() != null) {
            ssl.keyManager(tls.client().certFile().toFile(), tls.client().keyFile().toFile());
          }
        }).authority(TestCertificates.AUTHORITY);
      } catch (SSLException e) {
        throw new IllegalStateException("cannot read the test certificates", e);
      }
    }
    return builder.build();
  }

  /**
   * Wraps {@code cluster}, closing it if the clients cannot be made; {@code tls} is what the
   * clients present to a TLS target, null for plaintext.
   */
  static StartedTarget of(String name, List<URI> endpoints, ClientTls tls,
      MemberControl cluster) {
    try {
      return new StartedTarget(name, endpoints, tls, cluster);
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
    return List.copyOf(endpoints);
  }

  @Override
  public Client client() {
    return client;
  }

  @Override
  public List<ManagedChannel> channels() {
    return List.copyOf(channels);
  }

  @Override
  public String newPeerUrl() {
    return "http://127.0.0.1:" + RealEtcdCluster.freeLoopbackPorts(1).get(0);
  }

  @Override
  public void startAdded(long id, String peerUrl) {
    URI endpoint = cluster.startAdded(id, URI.create(peerUrl));
    endpoints.add(endpoint);
    channels.add(Channels.to(endpoint, tls));
  }

  @Override
  public void stop(int index) {
    cluster.stop(index);
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
