package dev.fakeetcd;

import dev.fakeetcd.internal.auth.AuthTokenSpec;
import dev.fakeetcd.internal.auth.Passwords;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.sim.SimConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable settings of a fake etcd cluster; build one with {@link #builder()}. Defaults follow
 * etcd 3.4 (heartbeat 100 ms, election 1000 ms, max-txn-ops 128, max-request-bytes 1.5 MiB) and a
 * test's needs: three members, seed 0, a {@link VirtualClock.Mode#MANUAL} clock (a healthy
 * cluster answers without time passing) and in-process transport only.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder()
 *     .members(5)
 *     .seed(7)
 *     .clockMode(VirtualClock.Mode.AUTO_ADVANCE)
 *     .basePort(2379)                  // members on 2379, 2381, 2383, 2385, 2387
 *     .build();
 * }</pre>
 */
public final class ClusterConfig {

  /** Members, clock mode, heartbeat and election, with Raft set up as etcd 3.4 runs it. */
  private final SimConfig sim;
  private final long seed;
  private final int maxTxnOps;
  private final int maxRequestBytes;
  private final boolean tcp;
  private final int basePort;
  private final AutoCompaction autoCompaction;
  private final Duration leaseCheckpointInterval;
  private final long quotaBackendBytes;
  private final Path restoreFrom;
  private final byte[] restoredState;
  private final String authToken;
  private final Duration authTokenTtl;
  private final int bcryptCost;
  private final AuthSetup auth;
  private final ServerTls tls;

  private ClusterConfig(Builder b, SimConfig sim) {
    this.sim = sim;
    seed = b.seed;
    maxTxnOps = b.maxTxnOps;
    maxRequestBytes = b.maxRequestBytes;
    tcp = b.tcp;
    basePort = b.basePort;
    autoCompaction = b.autoCompaction;
    leaseCheckpointInterval = b.leaseCheckpointInterval;
    quotaBackendBytes = b.quotaBackendBytes;
    restoreFrom = b.restoreFrom;
    restoredState = b.restoredState;
    authToken = b.authToken;
    authTokenTtl = b.authTokenTtl;
    bcryptCost = b.bcryptCost;
    auth = b.auth;
    tls = b.tls;
  }

  /** A builder with the defaults above. */
  public static Builder builder() {
    return new Builder();
  }

  /** The default configuration. */
  public static ClusterConfig defaults() {
    return builder().build();
  }

  /** How many members the cluster starts with. */
  public int members() {
    return sim.members();
  }

  /** The seed every random choice of the cluster derives from. */
  public long seed() {
    return seed;
  }

  /** How virtual time moves; {@link VirtualClock.Mode#MANUAL} by default. */
  public VirtualClock.Mode clockMode() {
    return sim.clockMode();
  }

  /** etcd's --heartbeat-interval, in virtual time (100 ms by default). */
  public Duration heartbeat() {
    return sim.heartbeat();
  }

  /** etcd's --election-timeout, in virtual time (1000 ms by default). */
  public Duration election() {
    return sim.election();
  }

  /** The simulation's part of this configuration. */
  SimConfig sim() {
    return sim;
  }

  /** etcd's --max-txn-ops: the most operations a Txn may hold (128 by default). */
  public int maxTxnOps() {
    return maxTxnOps;
  }

  /** etcd's --max-request-bytes: the largest request a member accepts (1.5 MiB by default). */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  /** Whether each member also listens on a 127.0.0.1 TCP port. */
  public boolean tcp() {
    return tcp;
  }

  /**
   * With {@link #tcp()}: 0 for free ports, else member {@code i} listens on
   * {@code basePort + 2 * i} (2379, 2381, 2383 from 2379: an odd base never meets etcd's even
   * peer ports 2380, 12380, 22380, 32380).
   */
  public int basePort() {
    return basePort;
  }

  /** etcd's auto-compaction; empty (off) by default, as in etcd. */
  public Optional<AutoCompaction> autoCompaction() {
    return Optional.ofNullable(autoCompaction);
  }

  /** etcd's lease checkpoint interval; {@link Duration#ZERO} (the default, as etcd's) = off. */
  public Duration leaseCheckpointInterval() {
    return leaseCheckpointInterval;
  }

  /** etcd's {@code --quota-backend-bytes}: 0 (the default) for 2 GiB, negative for no quota. */
  public long quotaBackendBytes() {
    return quotaBackendBytes;
  }

  /** The snapshot file a new cluster starts from; empty (an empty keyspace) by default. */
  public Optional<Path> restoreFrom() {
    return Optional.ofNullable(restoreFrom);
  }

  /** etcd's {@code --auth-token}: {@code simple} (the default) or {@code jwt,...}. */
  public String authToken() {
    return authToken;
  }

  /** etcd's {@code --auth-token-ttl}: how long a simple token lives after its last use. */
  public Duration authTokenTtl() {
    return authTokenTtl;
  }

  /** etcd's {@code --bcrypt-cost}. */
  public int bcryptCost() {
    return bcryptCost;
  }

  /** Users, roles and auth set up before the cluster is handed out; empty by default. */
  public Optional<AuthSetup> auth() {
    return Optional.ofNullable(auth);
  }

  /** TLS on the client ports (which then need {@link #tcp()}); empty (plaintext) by default. */
  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
  }

  /**
   * PLACEHOLDER (branch hist-timeline), replaced at merge by the recorder branch's switch: whether
   * the cluster records its clients' calls for {@link EtcdCluster#history()}; on by default there.
   */
  public boolean history() {
    return true;
  }

  /** The state read from {@link #restoreFrom()}, or null; never handed out of this package. */
  byte[] restoredState() {
    return restoredState;
  }

  /** Builder; every setter rejects a bad value at once, naming it. */
  public static final class Builder {
    // etcd 3.4 runs Raft with check-quorum on and pre-vote off by default.
    private final SimConfig.Builder sim = SimConfig.builder().preVote(false).checkQuorum(true);
    private long seed;
    private int maxTxnOps = 128;
    private int maxRequestBytes = 1_572_864;
    private boolean tcp;
    private int basePort;
    private AutoCompaction autoCompaction;
    private Duration leaseCheckpointInterval = Duration.ZERO;
    private long quotaBackendBytes;
    private Path restoreFrom;
    private byte[] restoredState;
    private String authToken = "simple";
    private Duration authTokenTtl = Duration.ofSeconds(300);
    private int bcryptCost = Passwords.DEFAULT_COST;
    private AuthSetup auth;
    private ServerTls tls;

    private Builder() {
    }

    /** How many members: at least 1 (3 by default). */
    public Builder members(int count) {
      sim.members(count);
      return this;
    }

    /** The seed of every random choice: the same seed, the same run (0 by default). */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /** How virtual time moves ({@link VirtualClock.Mode#MANUAL} by default). */
    public Builder clockMode(VirtualClock.Mode mode) {
      sim.clockMode(mode);
      return this;
    }

    /** etcd's --heartbeat-interval, in virtual time. */
    public Builder heartbeat(Duration interval) {
      sim.heartbeat(interval);
      return this;
    }

    /** etcd's --election-timeout; must be a whole multiple (at least 2) of the heartbeat. */
    public Builder election(Duration timeout) {
      sim.election(timeout);
      return this;
    }

    /** etcd's --max-txn-ops: at least 1. */
    public Builder maxTxnOps(int ops) {
      if (ops < 1) {
        throw new IllegalArgumentException("maxTxnOps must be at least 1: " + ops);
      }
      maxTxnOps = ops;
      return this;
    }

    /** etcd's --max-request-bytes: at least 1. */
    public Builder maxRequestBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxRequestBytes must be at least 1: " + bytes);
      }
      maxRequestBytes = bytes;
      return this;
    }

    /** Makes every member listen on a free 127.0.0.1 port as well. */
    public Builder tcp(boolean on) {
      tcp = on;
      return this;
    }

    /**
     * Member {@code i} listens on {@code port + 2 * i} (implies TCP): from etcd's 2379, members
     * take 2379, 2381, 2383 and leave 2380, etcd's peer port, free.
     */
    public Builder basePort(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("basePort must be in 1..65535: " + port);
      }
      basePort = port;
      tcp = true;
      return this;
    }

    /** Switches etcd's auto-compaction on, e.g. {@code AutoCompaction.periodic(Duration.ofHours(1))}. */
    public Builder autoCompaction(AutoCompaction setting) {
      autoCompaction = Objects.requireNonNull(setting, "autoCompaction");
      return this;
    }

    /**
     * Turns on etcd's lease checkpointing (etcd: {@code --experimental-enable-lease-checkpoint},
     * every 5 minutes): a new leader continues leases from their checkpointed remaining TTL.
     * {@link Duration#ZERO} turns it off.
     */
    public Builder leaseCheckpointInterval(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("leaseCheckpointInterval must not be negative: "
            + interval);
      }
      leaseCheckpointInterval = interval;
      return this;
    }

    /**
     * etcd's {@code --quota-backend-bytes}: the size a member's backend may reach before Put, Txn
     * and LeaseGrant fail with {@code database space exceeded} and raise a NOSPACE alarm; 0 (the
     * default) for etcd's 2 GiB, any negative value for no quota. Every value is one etcd accepts.
     */
    public Builder quotaBackendBytes(long bytes) {
      quotaBackendBytes = bytes;
      return this;
    }

    /**
     * Starts the cluster from a snapshot, as etcd's {@code etcdctl snapshot restore} makes new
     * members: the file is what {@code etcdctl snapshot save} (or any client of the Snapshot RPC
     * writing the data and then the final SHA-256 message) saved from a fake-etcd member. The new
     * cluster has this configuration's members and the snapshot's keys with their history,
     * revision, compact revision, leases (each runs its full TTL again under the new leader) and
     * alarms. The file is read and checked now.
     *
     * @throws IllegalArgumentException naming the file if it is not a fake-etcd snapshot (a real
     *     etcd's bbolt snapshot cannot be restored into the fake) or its SHA-256 trailer does not
     *     match its data
     * @throws UncheckedIOException if the file cannot be read
     */
    public Builder restoreFrom(Path snapshot) {
      Objects.requireNonNull(snapshot, "snapshot");
      try {
        restoredState = Cluster.readSnapshot(snapshot);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read snapshot " + snapshot, e);
      }
      restoreFrom = snapshot;
      return this;
    }

    /**
     * etcd's {@code --auth-token}: {@code simple} (the default) or
     * {@code jwt,pub-key=<file>,priv-key=<file>,sign-method=<alg>[,ttl=<duration>]}.
     *
     * @throws IllegalArgumentException with etcd's complaint if etcd would not start with it
     */
    public Builder authToken(String spec) {
      authToken = AuthTokenSpec.parse(Objects.requireNonNull(spec, "authToken")).raw();
      return this;
    }

    /** etcd's {@code --auth-token-ttl} (whole seconds, default 300): a simple token's idle life. */
    public Builder authTokenTtl(Duration ttl) {
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException("authTokenTtl must be a whole number of seconds, at"
            + " least 1: " + ttl);
      }
      authTokenTtl = ttl;
      return this;
    }

    /**
     * etcd's {@code --bcrypt-cost} (default 10; outside 4..31 etcd uses 10). Each step doubles
     * the time a password takes to hash and check: a test suite that adds and authenticates many
     * users runs faster with 4.
     */
    public Builder bcryptCost(int cost) {
      bcryptCost = cost;
      return this;
    }

    /** Sets auth up as an operator's etcdctl commands would, before the cluster is handed out. */
    public Builder auth(AuthSetup setup) {
      auth = Objects.requireNonNull(setup, "auth");
      return this;
    }

    /** Serves the client ports over TLS, as etcd's TLS flags do (implies TCP). */
    public Builder tls(ServerTls setting) {
      tls = Objects.requireNonNull(setting, "tls");
      tcp = true;
      return this;
    }

    /** The configuration; refuses a base port that leaves no room for every member. */
    public ClusterConfig build() {
      SimConfig checked = sim.build();
      if (basePort != 0 && ServerSettings.clientPort(basePort, checked.members() - 1) > 65535) {
        throw new IllegalArgumentException("basePort " + basePort + " leaves no room for "
            + checked.members() + " members");
      }
      return new ClusterConfig(this, checked);
    }
  }

  @Override
  public String toString() {
    return "ClusterConfig[members=" + members() + ", seed=" + seed + ", clockMode=" + clockMode()
        + ", heartbeat=" + heartbeat() + ", election=" + election() + ", maxTxnOps=" + maxTxnOps
        + ", maxRequestBytes=" + maxRequestBytes + ", tcp=" + tcp + ", basePort=" + basePort
        + ", autoCompaction=" + autoCompaction + ", leaseCheckpointInterval=" + leaseCheckpointInterval
        + ", quotaBackendBytes=" + quotaBackendBytes + ", authToken=" + authToken.split(",")[0]
        + ", authTokenTtl=" + authTokenTtl + ", bcryptCost=" + bcryptCost
        + (auth == null ? "" : ", auth=" + auth) + (tls == null ? "" : ", tls=" + tls)
        + (restoreFrom == null ? "" : ", restoreFrom=" + restoreFrom) + "]";
  }
}
