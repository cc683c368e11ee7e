package dev.fakeetcd.conformance;

import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link RealEtcdCluster} seen as a conformance target. */
final class RealEtcdTarget implements EtcdTarget {

  private final String name;
  private final RealEtcdCluster cluster;
  private final Client client;
  private final List<ManagedChannel> channels;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RealEtcdTarget(String name, RealEtcdCluster cluster) {
    this.name = name;
    this.cluster = cluster;
    this.client = Client.builder().endpoints(cluster.clientUrls().toArray(URI[]::new)).build();
    this.channels = cluster.clientUrls().stream().map(Channels::plaintext).toList();
  }

  static EtcdTargetFactory factory(int members) {
    return new EtcdTargetFactory() {
      @Override
      public EtcdTarget start(String name) {
        RealEtcdCluster cluster = RealEtcdCluster.start(EtcdBinary.path(), name, members, List.of());
        try {
          return new RealEtcdTarget(name, cluster);
        } catch (RuntimeException e) {
          cluster.close();
          throw e;
        }
      }

      @Override
      public Optional<String> unavailableReason() {
        return EtcdBinary.unavailableReason();
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int memberCount() {
    return cluster.members().size();
  }

  @Override
  public List<URI> endpoints() {
    return cluster.clientUrls();
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
      cluster.close();
    }
  }

  @Override
  public String toString() {
    return name + " " + endpoints();
  }
}
