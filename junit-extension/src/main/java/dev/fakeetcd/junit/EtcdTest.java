package dev.fakeetcd.junit;

import dev.fakeetcd.VirtualClock;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test against a fresh simulated etcd cluster and injects it, its members, channels, a jetcd
 * {@code Client} and endpoints into test parameters and fields.
 *
 * <pre>{@code
 * @EtcdTest(members = 3)
 * class LeaderElectionTest {
 *   @Test
 *   void failsOver(EtcdCluster cluster, Client client) throws Exception {
 *     client.getKVClient().put(key("k"), value("v")).get();
 *     cluster.network().isolate(cluster.leader().orElseThrow());
 *     cluster.clock().advance(Duration.ofSeconds(3));
 *     EtcdAssertions.assertThat(cluster).hasLeader().hasKey("k").withValue("v");
 *   }
 * }
 * }</pre>
 *
 * <p>On a class it applies to every test in it and in its {@code @Nested} classes; on a method it
 * makes the method a test with its own settings, which replace the class's entirely. It also works
 * as a meta-annotation. Each test method gets its own cluster unless the class shares one:
 * {@link #perClass()} or {@code @TestInstance(PER_CLASS)}.
 *
 * <p>What can be injected (parameters of test and lifecycle methods, and non-static fields):
 * <ul>
 *   <li>{@code EtcdCluster} — the cluster;
 *   <li>{@code Member} — the leader, or the member {@link EtcdMember#value() @EtcdMember(i)};
 *   <li>{@code ManagedChannel} (or {@code Channel}) — an in-process channel to the leader or to
 *       {@code @EtcdMember(i)}; closed after the test;
 *   <li>{@code io.etcd.jetcd.Client} — a jetcd client on every member's TCP endpoint, if jetcd is on
 *       the test classpath, authenticated as {@link EtcdUser @EtcdUser("name")} if given; closed
 *       after the test;
 *   <li>{@link Endpoints @Endpoints} {@code List<URI>} or {@code String} — the members' TCP
 *       endpoints.
 * </ul>
 *
 * <p>Seeds: without {@link #seed()} every cluster gets a random seed. When a test fails, the seed,
 * the line that reruns it with the same seed ({@code -Dfake-etcd.seed=N}, which overrides every
 * seed) and the tail of the cluster's trace are printed and attached to the failure; the whole
 * trace is written to {@code target/fake-etcd/<test>.trace}, and, when the cluster records its
 * history, the run's timeline, an HTML page that opens in a browser, to
 * {@code target/fake-etcd/<test>.html}.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Test
@ExtendWith(EtcdExtension.class)
public @interface EtcdTest {

  /** The value of {@link #seed()} that asks for a random seed. */
  long RANDOM_SEED = Long.MIN_VALUE;

  /** Number of members. */
  int members() default 3;

  /**
   * The seed every random choice of the cluster derives from; {@link #RANDOM_SEED} (the default)
   * for a new random one per cluster. The system property or JUnit configuration parameter
   * {@code fake-etcd.seed} overrides it.
   */
  long seed() default RANDOM_SEED;

  /**
   * How virtual time moves. The default, {@code AUTO_ADVANCE}, jumps time while a client request
   * waits on it (a write on a cut-off member times out at once, in virtual time); {@code MANUAL}
   * leaves it to {@code cluster.clock().advance(...)}; {@code WALL_CLOCK} follows real time.
   */
  VirtualClock.Mode clock() default VirtualClock.Mode.AUTO_ADVANCE;

  /** Raft heartbeat interval in milliseconds (etcd's {@code --heartbeat-interval}). */
  long heartbeatMillis() default 100;

  /** Election timeout in milliseconds, a multiple of the heartbeat (etcd's {@code --election-timeout}). */
  long electionMillis() default 1000;

  /** etcd's {@code --max-txn-ops}. */
  int maxTxnOps() default 128;

  /** etcd's {@code --max-request-bytes}. */
  int maxRequestBytes() default 1_572_864;

  /**
   * etcd's {@code --quota-backend-bytes}: 0 (the default) for 2 GiB, negative for no quota. A
   * small quota lets a test fill a member's backend and meet NOSPACE as etcd raises it.
   */
  long quotaBackendBytes() default 0;

  /** etcd's {@code --auto-compaction-mode}: {@code periodic} or {@code revision}. */
  String autoCompactionMode() default "periodic";

  /**
   * etcd's {@code --auto-compaction-retention}: {@code 0} (off, the default), a count (hours in
   * periodic mode, revisions in revision mode) or a duration such as {@code 30m}, on the virtual clock.
   */
  String autoCompactionRetention() default "0";

  /**
   * Whether members listen on 127.0.0.1 TCP ports as well as in-process (the default). A jetcd
   * {@code Client} and {@link Endpoints} need TCP; in-process channels do not.
   */
  boolean tcp() default true;

  /**
   * TLS on the members' client ports, with certificates made for the cluster (a new CA, a server
   * certificate for 127.0.0.1, localhost and {@code etcd0}; see {@code TestCertificates}); an
   * injected jetcd {@code Client} trusts that CA.
   */
  boolean tls() default false;

  /**
   * etcd's {@code --client-cert-auth} (implies {@link #tls()}): clients must present a certificate
   * of the cluster's CA, and with auth on a request without a token runs as its common name. An
   * injected jetcd {@code Client} presents one without a common name (with auth on, etcd denies
   * it as an unknown user); with {@link EtcdUser @EtcdUser("name")}, one whose common name is the
   * user, and no password.
   */
  boolean clientCertAuth() default false;

  /**
   * A snapshot file to start the cluster from (see {@code ClusterConfig.Builder.restoreFrom}): one
   * that {@code etcdctl snapshot save} saved from a fake-etcd member; a relative path is resolved
   * against the working directory. Empty (the default): an empty keyspace.
   */
  String restoreFrom() default "";

  /**
   * Auth: the name of a static no-argument method of the test class or of an enclosing class that
   * returns the cluster's {@code dev.fakeetcd.AuthSetup}; it is applied (users, roles, permissions,
   * then auth enabled) before the cluster is handed out. Clients then authenticate with
   * {@link EtcdUser @EtcdUser}. Empty (the default): no auth.
   *
   * <pre>{@code
   * @EtcdTest(auth = "auth", bcryptCost = 4)
   * class AccessTest {
   *   static AuthSetup auth() {
   *     return AuthSetup.withRootPassword("rootpw")
   *         .role("app").grantPrefix("app", Permission.Type.READWRITE, "app/")
   *         .user("alice", "alicepw", "app");
   *   }
   *
   *   @Test
   *   void writesItsPrefix(@EtcdUser("alice") Client alice) throws Exception { ... }
   * }
   * }</pre>
   */
  String auth() default "";

  /**
   * etcd's {@code --auth-token}: {@code simple} (the default) or
   * {@code jwt,pub-key=<file>,priv-key=<file>,sign-method=<alg>[,ttl=<duration>]}.
   */
  String authToken() default "simple";

  /**
   * etcd's {@code --auth-token-ttl}, in seconds of virtual time: how long a simple token lives
   * after its last use. jetcd authenticates again when its token has expired.
   */
  long authTokenTtlSeconds() default 300;

  /**
   * etcd's {@code --bcrypt-cost} (default 10, etcd's; outside 4..31 etcd uses 10). Each step
   * doubles the time a password takes to hash and check: 4 makes auth tests faster.
   */
  int bcryptCost() default 10;

  /**
   * Whether the cluster records its clients' calls and watch messages, for
   * {@code EtcdAssertions.assertThat(cluster).history()} and {@code cluster.history()}: on by
   * default (bounded: it stops after 100,000 calls or 200,000 watch messages); off saves the
   * memory.
   */
  boolean history() default true;

  /**
   * One cluster for every test of the annotated class (and its {@code @Nested} classes), closed
   * after the class, instead of one per test method. {@code @TestInstance(PER_CLASS)} does the same.
   */
  boolean perClass() default false;
}
