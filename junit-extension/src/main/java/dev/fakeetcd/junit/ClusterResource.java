package dev.fakeetcd.junit;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.ServerTls;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cluster of a test (or of a class sharing it) with what was handed out for it: jetcd clients
 * (one without a user, one per {@link EtcdUser}), in-process channels and its TLS certificates,
 * closed with it when the owning {@link ExtensionContext} ends.
 */
final class ClusterResource implements ExtensionContext.Store.CloseableResource {

  private final EtcdCluster cluster;
  private final boolean seedFixed;
  /** Null without TLS. */
  private final ClusterCertificates certificates;
  private final TreeMap<Integer, ManagedChannel> channels = new TreeMap<>();
  private final TreeMap<String, AutoCloseable> userClients = new TreeMap<>();
  private AutoCloseable client;

  ClusterResource(ClusterConfig config, boolean seedFixed, ClusterCertificates certificates) {
    this.cluster = FakeEtcd.newCluster(config);
    this.seedFixed = seedFixed;
    this.certificates = certificates;
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
      client = JetcdClients.connect(cluster.endpoints(), tls(mutualTls() ? "" : null), null, null);
    }
    return client;
  }

  /** Whether the cluster asks clients for a certificate whose common name is the user. */
  boolean mutualTls() {
    return cluster.config().tls().filter(ServerTls::clientCertAuth).isPresent();
  }

  /** The client that authenticates as {@code user}, one per user however often it is injected. */
  synchronized Object jetcdClient(String user, String password) {
    return userClients.computeIfAbsent(user,
        u -> JetcdClients.connect(cluster.endpoints(), tls(null), u, password));
  }

  /**
   * The client that runs as {@code user} by its TLS client certificate's common name ({@link
   * EtcdTest#clientCertAuth()}), one per user however often it is injected.
   */
  synchronized Object jetcdClientWithCertificate(String user) {
    return userClients.computeIfAbsent(user,
        u -> JetcdClients.connect(cluster.endpoints(), tls(u), null, null));
  }

  /** A client's TLS: none without it; with a certificate for {@code commonName} unless null. */
  private JetcdClients.ClientTls tls(String commonName) {
    return certificates == null ? null : new JetcdClients.ClientTls(certificates.caFile(),
        commonName == null ? null : certificates.client(commonName));
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
      try {
        cluster.close();
      } finally {
        if (certificates != null) {
          certificates.close();
        }
      }
    }
  }
}
