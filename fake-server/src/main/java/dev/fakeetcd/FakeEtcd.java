package dev.fakeetcd;

import dev.fakeetcd.server.EtcdServer;
import dev.fakeetcd.sim.SimConfig;

/** The way in: starts simulated etcd clusters. */
public final class FakeEtcd {

  private FakeEtcd() {
  }

  /**
   * Starts a cluster and returns once it has a leader (virtual time moves as far as the election
   * needs; the outcome is the same for the same seed). With
   * {@link ClusterConfig.Builder#restoreFrom} it starts from that snapshot's data.
   */
  public static EtcdCluster newCluster(ClusterConfig config) {
    SimConfig sim = SimConfig.builder()
        .members(config.members())
        .heartbeat(config.heartbeat())
        .election(config.election())
        .clockMode(config.clockMode())
        // etcd 3.4 runs Raft with check-quorum on and pre-vote off by default.
        .preVote(false)
        .checkQuorum(true)
        .build();
    int port = !config.tcp() ? -1 : config.basePort();
    AutoCompaction compaction = config.autoCompaction().orElse(null);
    EtcdServer server = EtcdServer.start(config.seed(), sim, config.maxTxnOps(),
        config.maxRequestBytes(), port, compaction == null ? null : compaction.etcdMode(),
        compaction == null ? 0 : compaction.rawRetention(), config.restoredState());
    server.leaseCheckpointInterval(config.leaseCheckpointInterval());
    server.quotaBackendBytes(config.quotaBackendBytes());
    return new EtcdCluster(config, server);
  }
}
