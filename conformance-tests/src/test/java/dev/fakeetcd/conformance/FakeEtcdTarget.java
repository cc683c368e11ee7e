package dev.fakeetcd.conformance;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.sim.VirtualClock;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fake etcd cluster on TCP ports, seen as a conformance target. Its clock follows real time, as
 * the standalone server's does, so jetcd's own timeouts and retries meet the same timing as on a
 * real etcd.
 */
final class FakeEtcdTarget implements EtcdTarget {

  private final String name;
  private final EtcdCluster cluster;
  private final Client client;
  private final List<ManagedChannel> channels;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FakeEtcdTarget(String name, EtcdCluster cluster) {
    this.name = name;
    this.cluster = cluster;
    this.client = Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new)).build();
    this.channels = cluster.endpoints().stream().map(Channels::plaintext).toList();
  }

  /** Beyond KV (and the Status/MemberList the harness uses), the RPCs the fake serves so far. */
  private static final Set<Rpc> SERVED = EnumSet.of(Rpc.WATCH, Rpc.LEASE);

  static EtcdTargetFactory factory(int members) {
    return new EtcdTargetFactory() {
      @Override
      public EtcdTarget start(String name) {
        EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder()
            .members(members)
            .clockMode(VirtualClock.Mode.WALL_CLOCK)
            .tcp(true)
            .build());
        try {
          return new FakeEtcdTarget(name, cluster);
        } catch (RuntimeException e) {
          cluster.close();
          throw e;
        }
      }

      @Override
      public boolean serves(Rpc rpc) {
        return SERVED.contains(rpc);
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
    return cluster.endpoints();
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
