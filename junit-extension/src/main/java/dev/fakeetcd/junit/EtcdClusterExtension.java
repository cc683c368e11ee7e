package dev.fakeetcd.junit;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.Member;
import dev.fakeetcd.MemberListEntry;
import dev.fakeetcd.VirtualClock;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stand-in for jetcd-test's {@code io.etcd.jetcd.test.EtcdClusterExtension}: the same builder,
 * lifecycle and accessors, but the cluster is a fake-etcd cluster in the test's JVM instead of
 * etcd containers, so no Docker is needed. A test class moves by its dependency and one import:
 *
 * <pre>{@code
 * // before: io.etcd:jetcd-test
 * import io.etcd.jetcd.test.EtcdClusterExtension;
 * // after: dev.fakeetcd:fake-etcd-junit5
 * import dev.fakeetcd.junit.EtcdClusterExtension;
 *
 * class KvTest {
 *   @RegisterExtension
 *   static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
 *       .withNodes(3)
 *       .build();
 *
 *   @Test
 *   void put() throws Exception {
 *     try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
 *       client.getKVClient().put(key, value).get();
 *       cluster.restart(1, TimeUnit.SECONDS);          // every member stops and starts again
 *       client.getKVClient().get(key).get();           // the data are still there
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>As jetcd-test's: registered with {@code @RegisterExtension} on a static field, one cluster
 * runs for the whole class (for {@code @Nested} classes too); on an instance field, each test gets
 * a fresh one. A running cluster can be found by name with {@link #cluster(String)}. The 0.5.x
 * constructors and accessors ({@code new EtcdClusterExtension(name, nodes)},
 * {@link #getClientEndpoints()}, {@link #start()}, {@link #close()}) work as well.
 *
 * <p>The cluster runs on real time ({@link VirtualClock.Mode#WALL_CLOCK}), as a container does:
 * leases expire and elections happen while the test sleeps. Each member serves etcd's gRPC API
 * (and HTTP: {@code /health}, ...) on a free {@code 127.0.0.1} port. Unlike jetcd-test's,
 * {@link #cluster()} is the fake's own {@link EtcdCluster}, so a test can also inject faults
 * (partitions, crashes, lost connections) and move time.
 */
public final class EtcdClusterExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, AfterEachCallback,
    AutoCloseable {

  /** The running clusters by name, for {@link #cluster(String)}, as jetcd-test keeps them. */
  private static final Map<String, EtcdClusterExtension> RUNNING = new ConcurrentHashMap<>();

  private final String clusterName;
  private final int nodes;
  private final boolean ssl;
  private final EtcdFlags flags;
  /** Held while the cluster starts or stops. */
  private final Object lock = new Object();
  /** The running cluster, or null. */
  private volatile EtcdCluster cluster;
  /** The running cluster's certificates with {@code withSsl(true)}, else null. */
  private ClusterCertificates certificates;
  /** The context whose end closes the cluster; null for one started by {@link #start()}. */
  private ExtensionContext owner;

  /** jetcd-test 0.5's constructor: {@code nodes} members, plaintext. */
  public EtcdClusterExtension(String clusterName, int nodes) {
    this(clusterName, nodes, false);
  }

  /** jetcd-test 0.5's constructor: {@code nodes} members, over TLS if {@code ssl}. */
  public EtcdClusterExtension(String clusterName, int nodes, boolean ssl) {
    this(builder().withClusterName(clusterName).withNodes(nodes).withSsl(ssl));
  }

  /**
   * jetcd-test 0.5's constructor, with etcd flags as {@link Builder#withAdditionalArgs} takes them.
   *
   * @throws IllegalArgumentException for a flag the fake does not support, naming it
   */
  public EtcdClusterExtension(String clusterName, int nodes, boolean ssl,
      String... additionalArgs) {
    this(builder().withClusterName(clusterName).withNodes(nodes).withSsl(ssl)
        .withAdditionalArgs(Arrays.asList(additionalArgs)));
  }

  private EtcdClusterExtension(Builder builder) {
    this.clusterName = Objects.requireNonNull(builder.clusterName, "clusterName");
    this.nodes = builder.nodes;
    this.ssl = builder.ssl;
    this.flags = EtcdFlags.parse(builder.additionalArgs);
    // Refuses a bad member count (or flags that do not go together) now, not when a test starts.
    config(0, null);
  }

  /** A builder with jetcd-test's defaults: one node, a random UUID as the cluster's name, no TLS. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The running cluster named {@code clusterName}, or null if none runs, as jetcd-test's registry
   * answers (its type there is the launcher's {@code EtcdCluster}; here it is fake-etcd's).
   */
  public static EtcdCluster cluster(String clusterName) {
    EtcdClusterExtension extension = RUNNING.get(clusterName);
    return extension == null ? null : extension.cluster;
  }

  /**
   * The running fake cluster: its members, faults ({@code network()}, {@code member(i).crash()},
   * {@code clientLinks()}), clock and trace.
   *
   * @throws IllegalStateException if the cluster is not running
   */
  public EtcdCluster cluster() {
    EtcdCluster running = cluster;
    if (running == null) {
      throw new IllegalStateException("etcd cluster " + clusterName + " is not running: register"
          + " this EtcdClusterExtension with @RegisterExtension (on a static field it runs for the"
          + " whole class, on an instance field for each test), or call start()");
    }
    return running;
  }

  /** The name given with {@link Builder#withClusterName}, or a random UUID. */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Each member's client URL, in member order: {@code http://127.0.0.1:port}, or {@code https://}
   * with {@link Builder#withSsl}. They stay the same across {@link #restart}.
   */
  public List<URI> clientEndpoints() {
    return cluster().endpoints();
  }

  /**
   * Each member's peer URL as MemberList reports it, in member order: {@code
   * http://127.0.0.1:port}, a loopback port held for the cluster's life that refuses connections
   * (the fake's members talk through the simulation, not over TCP). Members that MemberAdd added
   * and {@code cluster().startAddedMember} started come last, with the URL they were added with.
   */
  public List<URI> peerEndpoints() {
    EtcdCluster running = cluster();
    List<MemberListEntry> list = running.memberList();
    List<URI> urls = new ArrayList<>();
    for (Member member : running.members()) {
      list.stream().filter(e -> e.id() == member.id() && !e.peerUrls().isEmpty()).findFirst()
          .ifPresent(e -> urls.add(URI.create(e.peerUrls().get(0))));
    }
    return urls;
  }

  /** jetcd-test 0.5's name of {@link #clientEndpoints()}. */
  public List<URI> getClientEndpoints() {
    return clientEndpoints();
  }

  /** jetcd-test 0.5's name of {@link #peerEndpoints()}. */
  public List<URI> getPeerEndpoints() {
    return peerEndpoints();
  }

  /**
   * With {@link Builder#withSsl}: the PEM file of the CA that signed the members' certificate, for
   * a client to trust, e.g. {@code Client.builder().endpoints(cluster.clientEndpoints())
   * .sslContext(b -> b.trustManager(cluster.caFile().toFile())).authority("etcd0")}. The server
   * certificate names {@code 127.0.0.1}, {@code localhost} and {@code etcd0} (jetcd-test's first
   * member's name). The files are made when the cluster starts and deleted when it closes.
   *
   * @throws IllegalStateException without {@code withSsl(true)}, or if the cluster is not running
   */
  public Path caFile() {
    if (!ssl) {
      throw new IllegalStateException("etcd cluster " + clusterName + " has no TLS: build it with"
          + " withSsl(true)");
    }
    synchronized (lock) {
      cluster();
      return certificates.caFile();
    }
  }

  /**
   * Restarts every member at once, as a restart of its containers does for clients: each member's
   * process stops (open calls and watch streams fail UNAVAILABLE, its port refuses connections),
   * then starts again from its disk (every key, lease and revision kept) on the same port; returns
   * once a leader is elected. jetcd reconnects by itself and resumes its watches.
   */
  public void restart() {
    restart(0, TimeUnit.MILLISECONDS);
  }

  /**
   * {@link #restart()}, with the members down for {@code delay} of real time (as jetcd-test's
   * {@code restart(delay, unit)}); an interrupt ends the wait early, and the members start again.
   */
  public void restart(long delay, TimeUnit unit) {
    EtcdCluster running = cluster();
    // A member that left the cluster stays down, as its etcd would exit again (with every member
    // down already, no member list tells who left: all start).
    List<Member> restarted = running.members();
    if (restarted.stream().anyMatch(Member::isUp)) {
      List<MemberListEntry> list = running.memberList();
      restarted = restarted.stream()
          .filter(m -> list.stream().anyMatch(e -> e.id() == m.id())).toList();
    }
    for (Member member : running.members()) {
      if (member.isUp()) {
        member.crash();
      }
    }
    if (delay > 0) {
      try {
        unit.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    restarted.forEach(Member::restart);
    running.awaitLeader();
  }

  /**
   * Starts the cluster if it is not running (jetcd-test 0.5's {@code start()}, for use without
   * JUnit); the caller then closes it with {@link #close()}.
   *
   * @throws IllegalStateException if another running cluster has this one's name
   */
  public void start() {
    synchronized (lock) {
      if (cluster == null) {
        launch(null);
      }
    }
  }

  /** Stops the cluster and frees its ports; does nothing if it is not running. */
  @Override
  public void close() {
    synchronized (lock) {
      EtcdCluster running = cluster;
      if (running == null) {
        return;
      }
      cluster = null;
      owner = null;
      RUNNING.remove(clusterName, this);
      try {
        running.close();
      } finally {
        if (certificates != null) {
          certificates.close();
          certificates = null;
        }
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    before(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    before(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    after(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    after(context);
  }

  /** The first context to come (the class for a static field, else the test) owns the cluster. */
  private void before(ExtensionContext context) {
    synchronized (lock) {
      if (cluster == null) {
        launch(context);
      }
    }
  }

  private void after(ExtensionContext context) {
    synchronized (lock) {
      if (owner == context) {
        close();
      }
    }
  }

  /** Holding {@link #lock}. */
  private void launch(ExtensionContext context) {
    EtcdClusterExtension other = RUNNING.putIfAbsent(clusterName, this);
    if (other != null && other != this) {
      throw new IllegalStateException("another running EtcdClusterExtension is named "
          + clusterName + "; give each cluster its own withClusterName (by default it is a random"
          + " UUID)");
    }
    ClusterCertificates made = ssl ? ClusterCertificates.create() : null;
    try {
      // Not the simulation's randomness: only the choice of seed, which cluster().seed() tells.
      cluster = FakeEtcd.newCluster(config(ThreadLocalRandom.current().nextLong(), made));
      certificates = made;
      owner = context;
    } catch (RuntimeException e) {
      RUNNING.remove(clusterName, this);
      if (made != null) {
        made.close();
      }
      throw e;
    }
  }

  private ClusterConfig config(long seed, ClusterCertificates tls) {
    ClusterConfig.Builder config = ClusterConfig.builder()
        .members(nodes)
        .seed(seed)
        .clockMode(VirtualClock.Mode.WALL_CLOCK)
        .tcp(true);
    if (tls != null) {
      config.tls(tls.serverTls(false));
    }
    flags.applyTo(config);
    return config.build();
  }

  @Override
  public String toString() {
    return "EtcdClusterExtension[" + clusterName + ", " + nodes + " nodes" + (ssl ? ", ssl" : "")
        + "]";
  }

  /** jetcd-test's builder; settings that only mean something for containers are accepted. */
  public static final class Builder {
    private String clusterName = UUID.randomUUID().toString();
    private int nodes = 1;
    private boolean ssl;
    private List<String> additionalArgs = List.of();

    private Builder() {
    }

    /** The name {@link #cluster(String)} finds the running cluster by; a random UUID if unset. */
    public Builder withClusterName(String clusterName) {
      this.clusterName = Objects.requireNonNull(clusterName, "clusterName");
      return this;
    }

    /**
     * No effect: in jetcd-test the prefix names the containers on their Docker network
     * ({@code <prefix>etcd0}, ...); the fake's members are {@code member-0}, ... on 127.0.0.1.
     */
    public Builder withPrefix(String prefix) {
      return this;
    }

    /** The number of members; 1 by default, as jetcd-test's. */
    public Builder withNodes(int nodes) {
      this.nodes = nodes;
      return this;
    }

    /**
     * Serves the client ports over TLS ({@code https://} endpoints) with a certificate of a CA
     * made for the cluster: clients trust {@link EtcdClusterExtension#caFile()} (jetcd-test's own
     * certificate files do not apply). No client certificate is asked for.
     */
    public Builder withSsl(boolean ssl) {
      this.ssl = ssl;
      return this;
    }

    /**
     * No effect: in jetcd-test it sets the containers' etcd log level to debug; the fake writes no
     * server log, and {@code cluster().trace()} tells what happened instead.
     */
    public Builder withDebug(boolean debug) {
      return this;
    }

    /**
     * etcd flags, as jetcd-test appends them to etcd's command line: {@code --flag value} or
     * {@code --flag=value}. Supported: {@code --max-txn-ops}, {@code --max-request-bytes},
     * {@code --quota-backend-bytes}, {@code --auto-compaction-mode},
     * {@code --auto-compaction-retention}, {@code --auth-token} (key files of a {@code jwt} token
     * are read from this machine, not from a container), {@code --auth-token-ttl},
     * {@code --bcrypt-cost}, {@code --heartbeat-interval} and {@code --election-timeout}. Checked
     * by {@link #build()}.
     */
    public Builder withAdditionalArgs(Collection<String> additionalArgs) {
      this.additionalArgs = new ArrayList<>(additionalArgs);
      return this;
    }

    /**
     * No effect: there is no container image; the fake answers as etcd 3.4 does (see the
     * project's divergences), whatever image is named.
     */
    public Builder withImage(String image) {
      return this;
    }

    /**
     * No effect: in jetcd-test it decides whether a container's data directory is a host
     * directory; a fake member's data always live in memory and survive {@link
     * EtcdClusterExtension#restart}, as with jetcd-test's default (mounted).
     */
    public Builder withMountDirectory(boolean mountDirectory) {
      return this;
    }

    /** No effect: in jetcd-test it is the user the containers run as; the fake runs in the JVM. */
    public Builder withUser(String user) {
      return this;
    }

    /**
     * @throws IllegalArgumentException for fewer than one node, or an additional arg the fake
     *     does not support (the message names it and lists the supported flags) or refuses
     */
    public EtcdClusterExtension build() {
      return new EtcdClusterExtension(this);
    }
  }
}
