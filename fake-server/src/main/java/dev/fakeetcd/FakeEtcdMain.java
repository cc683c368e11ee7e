package dev.fakeetcd;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The standalone server: {@code ./fake-etcd --members 3} from a checkout, or {@code java -jar
 * fake-etcd-server.jar --members 3 --port 2379}. It runs a cluster on real time, prints one client
 * endpoint per line once a leader exists, and closes the cluster on SIGINT / SIGTERM. Member
 * {@code i} listens on {@code P + 2i} (2379, 2381, 2383 by default; see
 * {@link ClusterConfig#basePort()}), so etcd's peer port 2380 stays free. Not API: tests start
 * clusters with {@link FakeEtcd}.
 */
final class FakeEtcdMain {

  /** A command-line flag; {@code value} is null for a flag that takes none. */
  record Flag(String name, String value, String... help) {
  }

  /** Every flag {@link #run} accepts, in the order {@link #USAGE} lists them. */
  static final List<Flag> FLAGS = List.of(
      new Flag("--members", "N", "number of members (default 3)"),
      new Flag("--port", "P", "first member's port; member i listens on P+2i: 2379, 2381, 2383",
          "by default, so etcd's peer port 2380 stays free (0: any free ports)"),
      new Flag("--seed", "S", "seed of the simulation's random choices",
          "(default: random, printed on stderr)"),
      new Flag("--restore", "F", "start from snapshot file F, saved from a fake-etcd member by",
          "'etcdctl snapshot save' (a real etcd's snapshot cannot be restored)"),
      new Flag("--quota-backend-bytes", "B",
          "etcd's backend space quota (default 0: 2 GiB; negative: none)"),
      new Flag("--auth-token", "T", "etcd's token type: simple (default) or",
          "jwt,pub-key=FILE,priv-key=FILE,sign-method=ALG[,ttl=DURATION]"),
      new Flag("--auth-token-ttl", "S", "seconds a simple token lives after its last use"
          + " (default 300)"),
      new Flag("--bcrypt-cost", "C", "bcrypt cost of user passwords (default 10; 4 is fastest)"),
      new Flag("--cert-file", "F", "serve the client ports over TLS with this certificate (PEM)"),
      new Flag("--key-file", "F", "and this key (PEM: PKCS#8, PKCS#1 or SEC1)"),
      new Flag("--trusted-ca-file", "F", "the CA that client certificates must chain to"),
      new Flag("--client-cert-auth", null, "require a client certificate the trusted CA signed"),
      new Flag("--help", null, "print this text (also -h)"));

  static final String USAGE = usage();

  private FakeEtcdMain() {
  }

  private static String usage() {
    StringBuilder text = new StringBuilder(
        "Usage: java -jar fake-etcd-server.jar [FLAG]...   (or ./fake-etcd [FLAG]... in a checkout)")
        .append(System.lineSeparator())
        .append("Runs a simulated etcd cluster on 127.0.0.1 and prints each member's client"
            + " endpoint.");
    for (Flag flag : FLAGS) {
      String head = flag.name() + (flag.value() == null ? "" : " " + flag.value());
      for (String line : flag.help()) {
        text.append(System.lineSeparator())
            .append(String.format("  %-24s %s", head, line));
        head = "";
      }
    }
    return text.toString();
  }

  /** Public only because the {@code java} launcher calls it; the class is not API. */
  public static void main(String[] args) throws InterruptedException {
    EtcdCluster cluster;
    try {
      cluster = run(args, System.out, System.err);
    } catch (RuntimeException e) {
      System.exit(explain(e, System.err));
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
   * Prints why {@link #run} failed, without a stack trace, and returns the exit status: 2 for a
   * bad argument (with the usage), 1 for a cluster that could not start.
   */
  static int explain(RuntimeException e, PrintStream err) {
    if (e instanceof IllegalArgumentException) {
      err.println("fake-etcd-server: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (e.getCause() instanceof BindException) { // a port in use, named by the message
      err.println("fake-etcd-server: " + e.getMessage());
      err.println("fake-etcd-server: choose another --port, or --port 0 for free ports");
      return 1;
    }
    err.println("fake-etcd-server: cannot start: " + e);
    return 1;
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
      if (FLAGS.stream().noneMatch(f -> f.name().equals(name) && f.value() != null)) {
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
