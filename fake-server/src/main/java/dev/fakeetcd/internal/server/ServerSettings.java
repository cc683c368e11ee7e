package dev.fakeetcd.internal.server;

import dev.fakeetcd.internal.auth.AuthTokenSpec;
import dev.fakeetcd.internal.auth.Passwords;
import java.time.Duration;
import java.util.Objects;

/**
 * etcd's server flags for a fake cluster, beyond what the simulation takes ({@code SimConfig}).
 * Checked by {@code ClusterConfig}'s builder, which users go through; tests of this package start
 * from {@link #defaults()}.
 *
 * @param basePort {@code -1} for in-process only; {@code 0} for a free port per member; otherwise
 *     member {@code i} listens on {@link #clientPort clientPort(basePort, i)}
 * @param autoCompactionMode etcd's --auto-compaction-mode, {@code "periodic"} (retention in
 *     nanoseconds, at least 10) or {@code "revision"} (retention a positive count); null for off
 * @param leaseCheckpointInterval etcd's lease checkpointing: the leader records the remaining TTL
 *     of long leases through Raft this often; {@link Duration#ZERO} (etcd's default) for off
 * @param quotaBackendBytes etcd's --quota-backend-bytes: 0 for 2 GiB, negative for no quota
 * @param restoredState the members' initial state, read by {@link Cluster#readSnapshot}, as
 *     etcd members restored by {@code etcdctl snapshot restore} begin; null for an empty store
 * @param authToken etcd's --auth-token
 * @param authTokenTtl etcd's --auth-token-ttl: a simple token's idle life
 * @param bcryptCost etcd's --bcrypt-cost, as given (see {@link Passwords#effectiveCost})
 * @param clientCertAuth etcd's --client-cert-auth: a call without a token runs as its TLS client
 *     certificate's common name
 * @param history whether the cluster records its clients' calls ({@link Cluster#history})
 */
public record ServerSettings(int maxTxnOps, int maxRequestBytes, int basePort,
    String autoCompactionMode, long autoCompactionRetention, Duration leaseCheckpointInterval,
    long quotaBackendBytes, byte[] restoredState, AuthTokenSpec authToken, Duration authTokenTtl,
    int bcryptCost, boolean clientCertAuth, boolean history) {

  public ServerSettings {
    Objects.requireNonNull(authToken, "authToken");
    Objects.requireNonNull(authTokenTtl, "authTokenTtl");
    Objects.requireNonNull(leaseCheckpointInterval, "leaseCheckpointInterval");
    if (leaseCheckpointInterval.isNegative()) {
      throw new IllegalArgumentException("lease checkpoint interval must not be negative: "
          + leaseCheckpointInterval);
    }
  }

  /**
   * Member {@code index}'s client port from base port {@code base}: every other port. From an odd
   * base such as etcd's 2379 every client port is odd, so none takes etcd's peer port 2380 or the
   * local peer ports of etcd's Procfile (12380, 22380, 32380): a real etcd can run beside the fake.
   */
  public static int clientPort(int base, int index) {
    return base + 2 * index;
  }

  /** etcd's defaults, in-process only. */
  public static ServerSettings defaults() {
    return new ServerSettings(128, 1_572_864, -1, null, 0, Duration.ZERO, 0, null,
        AuthTokenSpec.SIMPLE, Duration.ofSeconds(300), Passwords.DEFAULT_COST, false, true);
  }

  public ServerSettings withBasePort(int port) {
    return new ServerSettings(maxTxnOps, maxRequestBytes, port, autoCompactionMode,
        autoCompactionRetention, leaseCheckpointInterval, quotaBackendBytes, restoredState,
        authToken, authTokenTtl, bcryptCost, clientCertAuth, history);
  }
}
