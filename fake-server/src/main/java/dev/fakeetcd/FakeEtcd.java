package dev.fakeetcd;

import dev.fakeetcd.internal.auth.AuthTokenSpec;
import io.grpc.ManagedChannel;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.transport.PortTls;
import dev.fakeetcd.internal.transport.QuietLogging;

/**
 * The way in: starts simulated etcd clusters.
 *
 * <pre>{@code
 * EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder()
 *     .members(3).seed(42).tcp(true).build());   // members on free 127.0.0.1 ports
 * List<URI> endpoints = cluster.endpoints();       // for jetcd, etcdctl or any etcd client
 * }</pre>
 */
public final class FakeEtcd {

  static {
    // Before the first cluster loads Netty, and so before the extension makes a jetcd client.
    QuietLogging.apply();
  }

  private FakeEtcd() {
  }

  /**
   * Starts a cluster and returns once it has a leader (virtual time moves as far as the election
   * needs; the outcome is the same for the same seed). With
   * {@link ClusterConfig.Builder#restoreFrom} it starts from that snapshot's data; with
   * {@link ClusterConfig.Builder#auth} its auth is set up before it is returned.
   *
   * @throws IllegalArgumentException if the auth setup is refused (a role granted twice, say)
   */
  public static EtcdCluster newCluster(ClusterConfig config) {
    int port = !config.tcp() ? -1 : config.basePort();
    AutoCompaction compaction = config.autoCompaction().orElse(null);
    MemberEndpoints served = MemberEndpoints.start(config.seed(), config.sim(), new ServerSettings(
        config.maxTxnOps(), config.maxRequestBytes(), port,
        compaction == null ? null : compaction.etcdMode(),
        compaction == null ? 0 : compaction.rawRetention(), config.leaseCheckpointInterval(),
        config.quotaBackendBytes(), config.restoredState(), AuthTokenSpec.parse(config.authToken()),
        config.authTokenTtl(), config.bcryptCost(),
        config.tls().map(ServerTls::clientCertAuth).orElse(false), config.history()),
        config.tls().map(tls -> new PortTls(tls.certFile(), tls.keyFile(),
            tls.trustedCaFile().orElse(null), tls.clientCertAuth())).orElse(null));
    EtcdCluster cluster = new EtcdCluster(config, served);
    config.auth().ifPresent(setup -> {
      ManagedChannel channel = cluster.inProcessChannel(cluster.awaitLeader());
      try {
        setup.applyTo(channel);
      } catch (RuntimeException e) {
        cluster.close();
        throw new IllegalArgumentException("cannot set auth up: " + e.getMessage(), e);
      } finally {
        channel.shutdownNow();
      }
    });
    return cluster;
  }
}
