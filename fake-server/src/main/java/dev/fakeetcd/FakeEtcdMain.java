package dev.fakeetcd;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The standalone server: {@code java -jar fake-etcd-server.jar --members 3 --port 2379}. It runs a
 * cluster on real time, prints one client endpoint per line once a leader exists, and closes the
 * cluster on SIGINT / SIGTERM. Not API: tests start clusters with {@link FakeEtcd}.
 */
final class FakeEtcdMain {

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: java -jar fake-etcd-server.jar [--members N] [--port P] [--seed S] [--restore F]"
          + " [--quota-backend-bytes B] [--auth-token T] [--auth-token-ttl S] [--bcrypt-cost C]"
          + " [--cert-file F --key-file F [--trusted-ca-file F] [--client-cert-auth]]",
      "Runs a simulated etcd cluster on 127.0.0.1 and prints each member's client endpoint.",
      "  --members N  number of members (default 3)",
      "  --port P     first member's port; member i listens on P+i (default 2379; 0: any free ports)",
      "  --seed S     seed of the simulation's random choices (default: random, printed on stderr)",
      "  --restore F  start from snapshot file F, saved from a fake-etcd member by",
      "               'etcdctl snapshot save' (a real etcd's snapshot cannot be restored)",
      "  --quota-backend-bytes B  etcd's backend space quota (default 0: 2 GiB; negative: none)",
      "  --auth-token T      etcd's token type: simple (default) or",
      "                      jwt,pub-key=FILE,priv-key=FILE,sign-method=ALG[,ttl=DURATION]",
      "  --auth-token-ttl S  seconds a simple token lives after its last use (default 300)",
      "  --bcrypt-cost C     bcrypt cost of user passwords (default 10; 4 is fastest)",
      "  --cert-file F       serve the client ports over TLS with this certificate (PEM)",
      "  --key-file F        and this key (PEM: PKCS#8, PKCS#1 or SEC1)",
      "  --trusted-ca-file F the CA that client certificates must chain to",
      "  --client-cert-auth  require a client certificate the trusted CA signed",
      "  --help       print this text");

  private FakeEtcdMain() {
  }

  /** Public only because the {@code java} launcher calls it; the class is not API. */
  public static void main(String[] args) throws InterruptedException {
    EtcdCluster cluster;
    try {
      cluster = run(args, System.out, System.err);
    } catch (IllegalArgumentException e) {
      System.err.println("fake-etcd-server: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      // Typically a port already in use.
      System.err.println("fake-etcd-server: cannot start: " + e);
      System.exit(1);
      return;
    }
    if (cluster == null) {
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "fake-etcd-shutdown"));
    // Every server thread is a daemon; this thread keeps the JVM up until a signal ends it.
    new CountDownLatch(1).await();
  }

  /**
   * Parses {@code args} and starts the cluster, printing its endpoints on {@code out} (and a
   * random seed on {@code err}); returns null after printing help. The caller closes the cluster.
   *
   * @throws IllegalArgumentException naming the bad argument
   */
  static EtcdCluster run(String[] args, PrintStream out, PrintStream err) {
    Integer members = null;
    Integer port = null;
    Long seed = null;
    long quota = 0;
    Path restore = null;
    String authToken = "simple";
    long authTokenTtl = 300;
    int bcryptCost = 10;
    Path certFile = null;
    Path keyFile = null;
    Path trustedCaFile = null;
    boolean clientCertAuth = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        out.println(USAGE);
        return null;
      }
      if (arg.equals("--client-cert-auth") || arg.equals("--client-cert-auth=true")) {
        clientCertAuth = true; // a boolean flag, as etcd's
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (!List.of("--members", "--port", "--seed", "--restore", "--quota-backend-bytes",
          "--auth-token", "--auth-token-ttl", "--bcrypt-cost", "--cert-file", "--key-file",
          "--trusted-ca-file").contains(name)) {
        throw new IllegalArgumentException("unknown argument: " + arg);
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      switch (name) {
        case "--members" -> members = parseInt(name, value, 1, 1000);
        case "--port" -> port = parseInt(name, value, 0, 65535);
        case "--quota-backend-bytes" -> quota = parseLong(name, value);
        case "--restore" -> restore = Path.of(value);
        case "--auth-token" -> authToken = value;
        case "--auth-token-ttl" -> authTokenTtl = parseInt(name, value, 1, Integer.MAX_VALUE);
        case "--bcrypt-cost" -> bcryptCost = parseInt(name, value, Integer.MIN_VALUE,
            Integer.MAX_VALUE);
        case "--cert-file" -> certFile = Path.of(value);
        case "--key-file" -> keyFile = Path.of(value);
        case "--trusted-ca-file" -> trustedCaFile = Path.of(value);
        default -> seed = parseLong(name, value);
      }
    }
    ClusterConfig.Builder config = ClusterConfig.builder()
        .members(members == null ? 3 : members)
        .clockMode(VirtualClock.Mode.WALL_CLOCK)
        .quotaBackendBytes(quota)
        .authTokenTtl(Duration.ofSeconds(authTokenTtl))
        .bcryptCost(bcryptCost)
        .tcp(true);
    try {
      config.authToken(authToken);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--auth-token: " + e.getMessage());
    }
    int first = port == null ? 2379 : port;
    if (first != 0) {
      config.basePort(first);
    }
    if (restore != null) {
      try {
        config.restoreFrom(restore);
      } catch (UncheckedIOException e) {
        throw new IllegalArgumentException("--restore: cannot read " + restore + " ("
            + e.getCause() + ")");
      }
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("--cert-file and --key-file go together");
    }
    if (certFile == null && (trustedCaFile != null || clientCertAuth)) {
      throw new IllegalArgumentException(
          "--trusted-ca-file and --client-cert-auth need --cert-file and --key-file");
    }
    if (certFile != null) {
      ServerTls tls = ServerTls.of(certFile, keyFile).clientCertAuth(clientCertAuth);
      config.tls(trustedCaFile == null ? tls : tls.trustedCa(trustedCaFile));
    }
    if (seed == null) {
      seed = ThreadLocalRandom.current().nextLong();
      err.println("fake-etcd-server: seed " + seed);
    }
    config.seed(seed);
    EtcdCluster cluster = FakeEtcd.newCluster(config.build());
    for (URI endpoint : cluster.endpoints()) {
      out.println(endpoint);
    }
    out.flush();
    return cluster;
  }

  private static int parseInt(String name, String value, int min, int max) {
    long n = parseLong(name, value);
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ": " + value);
    }
    return (int) n;
  }

  private static long parseLong(String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + value);
    }
  }
}
