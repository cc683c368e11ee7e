package dev.fakeetcd.junit;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cluster of a test (or of a class sharing it) with what was handed out for it: jetcd clients
 * (one without a user, one per {@link EtcdUser}) and in-process channels, closed with it when the
 * owning {@link ExtensionContext} ends.
 */
final class ClusterResource implements ExtensionContext.Store.CloseableResource {

  private final EtcdCluster cluster;
  private final boolean seedFixed;
  private final TreeMap<Integer, ManagedChannel> channels = new TreeMap<>();
  private final TreeMap<String, AutoCloseable> userClients = new TreeMap<>();
  private AutoCloseable client;

  ClusterResource(ClusterConfig config, boolean seedFixed) {
    this.cluster = FakeEtcd.newCluster(config);
    this.seedFixed = seedFixed;
  }

  EtcdCluster cluster() {
    return cluster;
  }

  /** Whether the seed came from the annotation or the {@code fake-etcd.seed} parameter. */
  boolean seedFixed() {
    return seedFixed;
  }

  synchronized ManagedChannel channel(int memberIndex) {
    return channels.computeIfAbsent(memberIndex,
        i -> cluster.inProcessChannel(cluster.member(i)));
  }

  synchronized Object jetcdClient() {
    if (client == null) {
      client = JetcdClients.connect(cluster.endpoints());
    }
    return client;
  }

  /** The client that authenticates as {@code user}, one per user however often it is injected. */
  synchronized Object jetcdClient(String user, String password) {
    return userClients.computeIfAbsent(user,
        u -> JetcdClients.connect(cluster.endpoints(), u, password));
  }

  @Override
  public synchronized void close() throws Exception {
    try {
      List<AutoCloseable> clients = new ArrayList<>(userClients.values());
      if (client != null) {
        clients.add(client);
      }
      for (AutoCloseable c : clients) {
        c.close();
      }
      for (ManagedChannel c : channels.values()) {
        c.shutdownNow();
      }
      for (ManagedChannel c : channels.values()) {
        c.awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      cluster.close();
    }
  }
}
