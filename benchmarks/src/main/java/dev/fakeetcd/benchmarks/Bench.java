package dev.fakeetcd.benchmarks;

import com.google.protobuf.ByteString;
import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.internal.Internals;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The side-by-side harness: startup, unary throughput and latency, virtual time and memory of the
 * fake, measured in one run next to a real etcd and a no-op KV server; writes a Markdown report.
 * Arguments: the report file, the directory for etcd's logs. {@code -Dbench.warmupMillis} and
 * {@code -Dbench.measureMillis} set each load cell's phases (default 1000 and 2000);
 * {@code -Dbench.only} runs only the named sections, into {@code partial.md} beside the report.
 */
public final class Bench {

  private static final int[] CALLERS = {1, 8};
  private static final int[] SIZES = {1, 3};
  private static final int IDLE_CLUSTERS = 1000;
  private static final Duration FAN_OUT_LIMIT = Duration.ofSeconds(60);
  private static final PutRequest FIRST_PUT = PutRequest.newBuilder()
      .setKey(ByteString.copyFromUtf8("first")).setValue(ByteString.copyFromUtf8("1")).build();

  private final Path logDir;
  private final Load load;
  private final StringBuilder md = new StringBuilder();
  /** Load results keyed "transport/target/op/callers", e.g. "jetcd/fake-3/put/8". */
  private final Map<String, Load.Stats> stats = new LinkedHashMap<>();
  private final Map<String, StringBuilder> tables = new LinkedHashMap<>();
  /** Clients of the target being measured. */
  private final List<Runnable> open = new ArrayList<>();
  private final List<String[]> summary = new ArrayList<>();
  private boolean missed;

  private Bench(Path logDir, Load load) {
    this.logDir = logDir;
    this.load = load;
  }

  public static void main(String[] args) throws Exception {
    String only = System.getProperty("bench.only", "");
    Path report = Path.of(args.length > 0 ? args[0] : "benchmarks/results/latest.md");
    // Some sections alone are no report of the whole: they go next to it, not over it.
    Path out = only.isEmpty() ? report : report.resolveSibling("partial.md");
    Path logDir = Path.of(args.length > 1 ? args[1] : "benchmarks/target/etcd-logs");
    RealEtcd.binary();
    Load load = new Load(Duration.ofMillis(Long.getLong("bench.warmupMillis", 1000)),
        Duration.ofMillis(Long.getLong("bench.measureMillis", 2000)), 100_000);
    long began = System.nanoTime();
    Bench bench = new Bench(logDir, load);
    bench.header();
    if (only.isEmpty()) {
      bench.startup();
      bench.memory();
      bench.perTest();
      bench.firstTest();
      bench.throughput();
      bench.watchFanOut();
      bench.simulatedHour();
      bench.ratios();
    } else {
      // While working on one part: only its sections, e.g. -Dbench.only=pertest,firsttest.
      for (String section : only.split(",")) {
        switch (section.trim()) {
          case "startup" -> bench.startup();
          case "memory" -> bench.memory();
          case "pertest" -> bench.perTest();
          case "firsttest" -> bench.firstTest();
          case "hour" -> bench.simulatedHour();
          case "throughput" -> bench.throughput();
          default -> throw new IllegalArgumentException("bench.only: no section " + section
              + "; startup, memory, pertest, firsttest, throughput or hour (the rest run"
              + " together)");
        }
      }
    }
    bench.summary(report.resolveSibling("analysis.md"));
    bench.md.append(String.format(Locale.ROOT, "%nWhole run: %.0f s wall.%n",
        (System.nanoTime() - began) / 1e9));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, bench.md);
    System.out.println(bench.md);
    System.out.println("wrote " + out.toAbsolutePath());
    // jetcd and grpc leave non-daemon threads behind for a while; the report is written.
    System.exit(0);
  }

  // ---- the sections ----

  private void header() throws IOException, InterruptedException {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .filter(l -> l.startsWith("model name")).findFirst()
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    Process version = new ProcessBuilder(RealEtcd.binary().toString(), "--version")
        .redirectErrorStream(true).start();
    String etcd = new String(version.getInputStream().readAllBytes()).lines().findFirst()
        .orElse("?");
    version.waitFor(10, TimeUnit.SECONDS);
    line("# fake-etcd benchmarks");
    line("");
    line("Generated by `Bench` (see the README's Benchmarks section); every figure below comes"
        + " from the same run.");
    line("");
    line("- date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    line("- machine: %d CPUs (%s), %.1f GiB memory, load average %.2f at start, %s %s",
        Runtime.getRuntime().availableProcessors(), cpu, os.getTotalMemorySize() / (double) (1L << 30),
        os.getSystemLoadAverage(), System.getProperty("os.name"), System.getProperty("os.version"));
    line("- java: %s %s, max heap %d MiB", System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), Runtime.getRuntime().maxMemory() >> 20);
    line("- real etcd: %s (%s), data dir under %s", etcd, RealEtcd.binary(),
        System.getProperty("java.io.tmpdir"));
    line("- load cells: warm-up %s, then at most %s or 100,000 calls", load.warmup(),
        load.measure());
  }

  private void memory() {
    section("Memory: heap per idle 3-member cluster");
    long before = usedHeapAfterGc();
    List<EtcdCluster> clusters = new ArrayList<>(IDLE_CLUSTERS);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < IDLE_CLUSTERS; i++) {
        clusters.add(FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(i).build()));
      }
      long created = System.nanoTime() - start;
      long after = usedHeapAfterGc();
      line("%,d clusters (no TCP, in-process servers only), created in %.1f s; used heap after GC"
          + " %,d KiB before, %,d KiB after: **%,d KiB per cluster**.", IDLE_CLUSTERS, created / 1e9,
          before >> 10, after >> 10, (after - before) / IDLE_CLUSTERS >> 10);
      summary.add(new String[] {"heap per idle 3-member cluster",
          String.format("%,d KiB", (after - before) / IDLE_CLUSTERS >> 10), "< 100 KiB",
          met((after - before) / IDLE_CLUSTERS < 100 << 10)});
    } finally {
      clusters.forEach(EtcdCluster::close);
    }
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void startup() throws Exception {
    section("Startup: ready for the first write");
    line("Fake: `FakeEtcd.newCluster` plus the first put on member 0 (through a new in-process"
        + " channel, or over TCP through a new Netty channel). Real: starting the processes until"
        + " the first put on member 0 succeeds through a Netty channel (retried every 100 ms"
        + " deadline). Close is not counted. Median of the runs, after warm-up for the fake.");
    line("");
    line("| members | fake, in-process | fake, TCP | real etcd | real / fake in-process"
        + " | real / fake TCP |");
    line("|---|---|---|---|---|---|");
    // Every variant warm before any is measured, and the measured runs interleaved, so the JIT's
    // progress favours none of them.
    for (int i = 0; i < 200; i++) {
      for (int members : SIZES) {
        fakeStartup(members, true, i);
        fakeStartup(members, false, i);
      }
    }
    int runs = 31;
    long[][] fake = new long[4][runs];
    for (int i = 0; i < runs; i++) {
      for (int v = 0; v < 4; v++) {
        fake[v][i] = fakeStartup(SIZES[v / 2], v % 2 == 0, 1000 + i);
      }
    }
    for (int s = 0; s < SIZES.length; s++) {
      int members = SIZES[s];
      long[] tcpRuns = fake[2 * s];
      long[] inProcessRuns = fake[2 * s + 1];
      double tcp = median(runs, i -> tcpRuns[i]);
      double inProcess = median(runs, i -> inProcessRuns[i]);
      double real = median(members == 1 ? 5 : 3, i -> realStartup(members));
      line("| %d | %.2f ms | %.2f ms | %.0f ms | **%.0fx** | **%.0fx** |", members, inProcess, tcp,
          real, real / inProcess, real / tcp);
      String name = "startup, " + members + " member" + (members == 1 ? "" : "s");
      summary.add(new String[] {name + ", real / fake in-process",
          String.format(Locale.ROOT, "%.0fx (%.0f ms / %.2f ms)", real / inProcess, real, inProcess),
          "≥ 500x", met(real / inProcess >= 500)});
      summary.add(new String[] {name + ", real / fake over TCP",
          String.format(Locale.ROOT, "%.0fx (%.0f ms / %.2f ms)", real / tcp, real, tcp),
          "≥ 500x", met(real / tcp >= 500)});
    }
  }

  private static long fakeStartup(int members, boolean tcp, long seed) {
    long start = System.nanoTime();
    try (EtcdCluster cluster = FakeEtcd.newCluster(
        ClusterConfig.builder().members(members).seed(seed).tcp(tcp).build())) {
      ManagedChannel channel = tcp
          ? NettyChannelBuilder.forAddress("127.0.0.1",
              cluster.member(0).endpoint().orElseThrow().getPort()).usePlaintext().build()
          : cluster.inProcessChannel(cluster.member(0));
      try {
        KVGrpc.newBlockingStub(channel).put(FIRST_PUT);
        return System.nanoTime() - start;
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private long realStartup(int members) throws IOException {
    long start = System.nanoTime();
    try (RealEtcd etcd = RealEtcd.start(members, logDir)) {
      return System.nanoTime() - start;
    }
  }

  /**
   * Every server runs at once and each cell measures the targets back to back, so drift in the
   * machine's load or in the JIT does not favour whichever target happens to come first.
   */
  private void throughput() throws Exception {
    List<AutoCloseable> servers = new ArrayList<>();
    try {
      NoopKv noop = new NoopKv();
      servers.add(noop);
      Map<String, List<URI>> tcp = new LinkedHashMap<>();
      Map<String, ManagedChannel> inProcess = new LinkedHashMap<>();
      tcp.put("no-op", List.of(noop.endpoint()));
      inProcess.put("no-op", noop.inProcessChannel());
      for (int members : SIZES) {
        EtcdCluster fake = FakeEtcd.newCluster(
            ClusterConfig.builder().members(members).seed(7).tcp(true).build());
        servers.add(fake);
        tcp.put("fake-" + members, fake.endpoints());
        inProcess.put("fake-" + members, fake.inProcessChannel(fake.leader().orElseThrow()));
        RealEtcd real = RealEtcd.start(members, logDir);
        servers.add(real);
        tcp.put("real-" + members, real.endpoints());
      }
      Map<String, Workload.Calls> jetcd = new LinkedHashMap<>();
      Map<String, Workload.Calls> plain = new LinkedHashMap<>();
      Map<String, Workload.Calls> stubs = new LinkedHashMap<>();
      for (Map.Entry<String, List<URI>> e : tcp.entrySet()) {
        jetcd.put(e.getKey(), jetcdCalls(e.getValue().toArray(URI[]::new)));
        if (e.getValue().size() == 1) {
          plain.put(e.getKey(), tcpCalls(e.getValue().get(0)));
        }
      }
      inProcess.forEach((target, channel) -> {
        open.add(() -> channel.shutdownNow());
        stubs.put(target, Workload.stub(channel));
      });
      // The client code paths are hot before the first cell.
      Load warm = new Load(Duration.ZERO, load.warmup(), load.maxCalls());
      for (Workload.Calls calls : List.of(jetcd.get("no-op"), plain.get("no-op"))) {
        for (String op : Workload.OPS) {
          warm.run(calls.byName(op), 8);
        }
      }
      cells("jetcd", jetcd, CALLERS);
      cells("tcp", plain, CALLERS);
      cells("in-process", stubs, CALLERS);
      writePathTargets();
    } finally {
      open.forEach(Runnable::run);
      open.clear();
      for (AutoCloseable server : servers) {
        server.close();
      }
    }
    cells("direct", Map.of("MvccStore", Workload.store(Internals.newStore())),
        new int[] {1});

    section("Unary calls through jetcd on loopback");
    line("jetcd-core 0.8.7, one client on every member's endpoint, shared by the callers; the fake"
        + " in its default MANUAL clock mode over TCP.");
    table("jetcd");
    section("Unary calls through a plain grpc-java channel on loopback");
    line("For comparison with jetcd: our generated blocking stubs on one grpc-netty channel"
        + " (1-member clusters only), shared by the callers.");
    table("tcp");
    section("Unary calls through an in-process channel");
    line("Our generated blocking stubs (`dev.fakeetcd.api.KVGrpc`) on a direct-executor"
        + " in-process channel: to the fake's leader, and to the no-op server.");
    table("in-process");
    section("Direct Java API");
    line("The front door has no direct KV API (clients go through gRPC); the benchmark reaches one"
        + " member's MVCC store (`MvccStore`) through the internal accessor"
        + " `dev.fakeetcd.internal.Internals`: no gRPC, no Raft, no cluster lock. It is"
        + " single-threaded, so only one caller.");
    table("direct");
  }

  private void watchFanOut() throws Exception {
    section("Watch fan-out through jetcd");
    line("%d jetcd watchers (one client, a stream each) on one prefix, %,d puts under it from %d"
        + " callers of a second client; from the first put until every watcher has had every"
        + " event exactly once (%,d events). The fake in its default MANUAL clock mode over TCP.",
        WatchFanOut.WATCHERS, WatchFanOut.PUTS, WatchFanOut.WRITERS,
        (long) WatchFanOut.WATCHERS * WatchFanOut.PUTS);
    line("");
    line("| members | target | puts done | all delivered | events/s delivered |");
    line("|---|---|---|---|---|");
    for (int members : SIZES) {
      WatchFanOut.Result fake;
      try (EtcdCluster cluster = FakeEtcd.newCluster(
          ClusterConfig.builder().members(members).seed(7).tcp(true).build())) {
        fake = WatchFanOut.run(cluster.endpoints(), FAN_OUT_LIMIT);
      }
      WatchFanOut.Result real;
      try (RealEtcd etcd = RealEtcd.start(members, logDir)) {
        real = WatchFanOut.run(etcd.endpoints(), FAN_OUT_LIMIT);
      }
      fanOutRow(members, "fake", fake);
      fanOutRow(members, "real etcd", real);
      String ratio = fake.complete() && real.complete()
          ? String.format(Locale.ROOT, "%.1fx (%s / %s)", real.deliverSeconds()
              / fake.deliverSeconds(), WatchFanOut.describe(real), WatchFanOut.describe(fake))
          : "fake " + WatchFanOut.describe(fake) + ", real " + WatchFanOut.describe(real);
      summary.add(new String[] {"watch fan-out, " + members + " member" + (members > 1 ? "s" : "")
          + ", real / fake time to deliver", ratio, "—", "—"});
    }
  }

  private void fanOutRow(int members, String target, WatchFanOut.Result r) {
    line("| %d | %s | %.2f s | %s | %,.0f |", members, target, r.writeSeconds(),
        WatchFanOut.describe(r), r.eventsPerSecond());
    System.out.printf("watch fan-out %s-%d: %s%n", target, members, WatchFanOut.describe(r));
  }

  private Workload.Calls jetcdCalls(URI... endpoints) throws Exception {
    Client client = Client.builder()
        .endpoints(Arrays.stream(endpoints).map(URI::toString).toArray(String[]::new)).build();
    open.add(client::close);
    return Workload.jetcd(client.getKVClient());
  }

  private Workload.Calls tcpCalls(URI endpoint) {
    ManagedChannel channel = io.grpc.netty.NettyChannelBuilder
        .forAddress(endpoint.getHost(), endpoint.getPort()).usePlaintext().build();
    open.add(() -> channel.shutdownNow());
    return Workload.stub(channel);
  }

  /** Per call and number of callers, every target in turn; rows come out grouped by target. */
  private void cells(String transport, Map<String, Workload.Calls> targets, int[] callers)
      throws Exception {
    for (String op : Workload.OPS) {
      for (int c : callers) {
        for (Map.Entry<String, Workload.Calls> e : targets.entrySet()) {
          Load.Stats s = load.run(e.getValue().byName(op), c);
          stats.put(transport + "/" + e.getKey() + "/" + op + "/" + c, s);
          System.out.printf("%s %s %s x%d: %,.0f/s%n", transport, e.getKey(), op, c,
              s.perSecond());
        }
      }
    }
    StringBuilder rows = new StringBuilder();
    for (String target : targets.keySet()) {
      for (String op : Workload.OPS) {
        for (int c : callers) {
          Load.Stats s = stats.get(transport + "/" + target + "/" + op + "/" + c);
          rows.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %.0f | %.0f | %,d |%n",
              target, op, c, s.perSecond(), s.p50Micros(), s.p99Micros(), s.calls()));
        }
      }
    }
    tables.put(transport, rows);
  }

  private void table(String transport) {
    line("");
    line("| target | call | callers | calls/s | p50 µs | p99 µs | calls |");
    line("|---|---|---|---|---|---|---|");
    md.append(tables.get(transport));
  }

  private void perTest() throws Exception {
    section("Per test: setup to teardown");
    line("What one test costs as a user pays it. Fake: `FakeEtcd.newCluster` as `@EtcdTest` makes"
        + " it (TCP, AUTO_ADVANCE, history on), with a jetcd client on its endpoints doing one put"
        + " and one get, then the client and the cluster closed; without a client, the cluster"
        + " alone. Real: the processes started on free ports until a put succeeds, the same body,"
        + " then killed (SIGKILL, its cheapest end) and their data dir deleted; the SIGTERM column"
        + " stops them as `Process.destroy` does instead (3 members then take seconds, each"
        + " trying to hand its leadership over while the others go down). Median of the runs,"
        + " after warm-up for the fake.");
    line("");
    line("| members | jetcd client | fake | real etcd | real / fake | the client alone on no-op"
        + " servers | real / no-op | real etcd, SIGTERM | SIGTERM / fake |");
    line("|---|---|---|---|---|---|---|---|---|");
    List<NoopKv> noops = new ArrayList<>();
    long[][] fake = new long[4][21];
    long[][] floor = new long[SIZES.length][21];
    try {
      for (int i = 0; i < 3; i++) {
        noops.add(new NoopKv());
      }
      List<URI> noopEndpoints = noops.stream().map(NoopKv::endpoint).toList();
      // Every variant warm before any is measured, and the measured runs interleaved.
      for (int i = 0; i < 30 + fake[0].length; i++) {
        int run = i - 30;
        for (int v = 0; v < 4; v++) {
          long nanos = PerTest.fake(SIZES[v / 2], v % 2 == 1, i);
          if (run >= 0) {
            fake[v][run] = nanos;
          }
        }
        for (int s = 0; s < SIZES.length; s++) {
          long start = System.nanoTime();
          PerTest.withClient(noopEndpoints.subList(0, SIZES[s]));
          if (run >= 0) {
            floor[s][run] = System.nanoTime() - start;
          }
        }
      }
    } finally {
      noops.forEach(NoopKv::close);
    }
    int runs = fake[0].length;
    double[] realWithClient = new double[SIZES.length];
    for (int v = 0; v < 4; v++) {
      int members = SIZES[v / 2];
      boolean client = v % 2 == 1;
      long[] fakeRuns = fake[v];
      double f = median(runs, i -> fakeRuns[i]);
      double real = median(7, i -> PerTest.real(members, client, true, logDir));
      long[] floorRuns = floor[v / 2];
      double noop = median(runs, i -> floorRuns[i]);
      double term = client ? median(3, i -> PerTest.real(members, true, false, logDir)) : 0;
      line("| %d | %s | %.1f ms | %.0f ms | **%.0fx** | %s | %s | %s | %s |", members,
          client ? "yes" : "no", f, real, real / f,
          client ? String.format(Locale.ROOT, "%.1f ms", noop) : "—",
          client ? String.format(Locale.ROOT, "%.0fx", real / noop) : "—",
          client ? String.format(Locale.ROOT, "%.0f ms", term) : "—",
          client ? String.format(Locale.ROOT, "%.0fx", term / f) : "—");
      if (client) {
        realWithClient[v / 2] = real;
        summary.add(new String[] {"per test, " + members + " member" + (members == 1 ? "" : "s")
            + ", jetcd client, real / fake", String.format(Locale.ROOT, "%.0fx (%.0f ms / %.1f ms)",
            real / f, real, f), "≥ 50x", met(real / f >= 50)});
      }
    }
    line("");
    line("The no-op column is the floor: the same client, put, get and close against %d no-op KV"
        + " servers (`NoopKv`, 1 or 3 endpoints), no cluster at all; real / no-op is the most any"
        + " server could reach against this real etcd with this client.", SIZES[SIZES.length - 1]);
    line("");
    line("The same through the JUnit extension, as users run it: %d trivial tests"
        + " (`@RepeatedTest(%d)` in an `@EtcdTest(members = n)` class, with an injected jetcd"
        + " `Client`, one put and one get each, `PerTestJUnit`) run by the JUnit Platform launcher"
        + " in this JVM, each timed from JUnit's start to its finish (its cluster and client closed"
        + " by then); a first round warms up. Against the real etcd per test with a client, above.",
        PerTestJUnit.TESTS, PerTestJUnit.TESTS);
    line("");
    line("| members | median per test | mean per test | real / fake (median) |");
    line("|---|---|---|---|");
    var launcher = PerTestJUnit.launcher();
    for (int members : SIZES) {
      PerTestJUnit.run(launcher,
          members == 1 ? PerTestJUnit.OneMember.class : PerTestJUnit.ThreeMembers.class);
    }
    for (int s = 0; s < SIZES.length; s++) {
      int members = SIZES[s];
      long[] tests = PerTestJUnit.run(launcher,
          members == 1 ? PerTestJUnit.OneMember.class : PerTestJUnit.ThreeMembers.class);
      double med = median(tests.length, i -> tests[i]);
      double mean = Arrays.stream(tests).average().orElseThrow() / 1e6;
      line("| %d | %.1f ms | %.1f ms | **%.0fx** |", members, med, mean, realWithClient[s] / med);
      summary.add(new String[] {"per test through @EtcdTest, " + members + " member"
          + (members == 1 ? "" : "s") + ", injected jetcd client, real / fake",
          String.format(Locale.ROOT, "%.0fx (%.0f ms / %.1f ms)", realWithClient[s] / med,
              realWithClient[s], med), "≥ 50x", met(realWithClient[s] / med >= 50)});
    }
  }

  private void firstTest() throws Exception {
    section("First test in a JVM");
    line("A fresh JVM (this java and class path, no options but the one a row names) runs"
        + " `FirstTest`. `api`: from its main's first line to a ready 3-member TCP cluster with a"
        + " jetcd client that did one put and one get; `junit`: from main's first line until the"
        + " JUnit Platform launcher has run one `@EtcdTest(members = 3)` test with an injected"
        + " client (discovery included, its cluster closed); `client`, the floor: no fake at all,"
        + " only the jetcd client's put and get on a real 1-member etcd the harness started. The"
        + " process column is the same moment measured from `ProcessBuilder.start`, so it adds the"
        + " JVM's own start. Median of 5 JVMs each.");
    line("");
    line("| path | main to ready | process start to ready | of which: cluster (api), the test as"
        + " JUnit times it (junit) |");
    line("|---|---|---|---|");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The last row: C1 only, an option a project can give its test JVMs (surefire's argLine).
    String c1 = "-XX:TieredStopAtLevel=1";
    RealEtcd etcd = RealEtcd.start(1, logDir);
    try {
      for (String[] row : List.of(new String[] {"api", ""}, new String[] {"junit", ""},
          new String[] {"api", c1}, new String[] {"client", ""})) {
        firstTestRow(java, row[0], row[1], etcd.endpoints().get(0));
      }
    } finally {
      etcd.close();
    }
  }

  private void firstTestRow(String java, String mode, String option, URI etcd) throws Exception {
    List<String> command = new ArrayList<>(List.of(java));
    if (!option.isEmpty()) {
      command.add(option);
    }
    command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
        System.getProperty("java.class.path"), FirstTest.class.getName(), mode));
    if (mode.equals("client")) {
      command.add(etcd.toString());
    }
    int runs = 5;
    long[][] r = new long[3][runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      try (var out = new java.io.BufferedReader(
          new java.io.InputStreamReader(p.getInputStream()))) {
        for (String l = out.readLine(); l != null; l = out.readLine()) {
          if (l.startsWith("ready ")) {
            r[1][i] = System.nanoTime() - start;
            r[0][i] = Long.parseLong(l.substring(6));
          } else if (l.startsWith("test ") || l.startsWith("cluster ")) {
            r[2][i] = Long.parseLong(l.substring(l.indexOf(' ') + 1));
          }
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || r[0][i] == 0) {
        p.destroyForcibly();
        throw new IllegalStateException("FirstTest " + mode + " failed");
      }
    }
    double main = median(runs, i -> r[0][i]);
    double process = median(runs, i -> r[1][i]);
    String path = mode + (option.isEmpty() ? "" : ", `" + option + "`");
    line("| %s | %.0f ms | %.0f ms | %s |", path, main, process, mode.equals("client") ? "—"
        : String.format(Locale.ROOT, "%.0f ms", median(runs, i -> r[2][i])));
    if (!mode.equals("client")) {
      summary.add(new String[] {"first test in a JVM (" + path + "), main to ready cluster with"
          + " a client", String.format(Locale.ROOT, "%.0f ms (%.0f ms from process start)", main,
          process), "< 1 s", met(main < 1000)});
    }
  }

  private void simulatedHour() {
    section("Virtual time: one simulated hour");
    SimulatedHour.Runs runs = SimulatedHour.measure(5, 2);
    line("A healthy, idle 5-member cluster (Raft, simulated network and clock; etcd's default"
        + " timing), `SimulatedHour`: median **%d ms** wall (runs %s ms, after 2 warm-up runs;"
        + " %,d trace events per run).", runs.median(), Arrays.toString(runs.millis()),
        runs.events());
    summary.add(new String[] {"one simulated hour, 5 members", runs.median() + " ms wall",
        "well under 1 s", met(runs.median() < 1000)});
  }

  private void ratios() {
    section("Ratios");
    line("Throughput ratios per cell of the jetcd table, same call and callers: fake / real etcd"
        + " (target ≥ 5x), no-op floor / fake (target ≤ 1.2x), and no-op floor / real etcd: the most"
        + " any server could gain over a real etcd through this client.");
    line("");
    line("| call | callers | members | fake / real | no-op / fake | no-op / real |");
    line("|---|---|---|---|---|---|");
    List<Double> vsReal = new ArrayList<>();
    List<Double> vsNoop = new ArrayList<>();
    for (int members : SIZES) {
      for (String op : Workload.OPS) {
        for (int c : CALLERS) {
          double fake = perSecond("jetcd/fake-" + members + "/" + op + "/" + c);
          double real = fake / perSecond("jetcd/real-" + members + "/" + op + "/" + c);
          double noop = perSecond("jetcd/no-op/" + op + "/" + c) / fake;
          vsReal.add(real);
          vsNoop.add(noop);
          line("| %s | %d | %d | %.1fx%s | %.2fx%s | %.1fx |", op, c, members, real,
              real >= 5 ? "" : " (missed)", noop, noop <= 1.2 ? "" : " (missed)", real * noop);
        }
      }
    }
    summary.add(new String[] {"jetcd throughput, fake / real etcd", range(vsReal), "≥ 5x",
        count(vsReal, r -> r >= 5)});
    summary.add(new String[] {"jetcd throughput, no-op floor / fake", range(vsNoop), "≤ 1.2x",
        count(vsNoop, r -> r <= 1.2)});
  }

  /** The in-process write and read path's targets, from the in-process cells. */
  private void writePathTargets() {
    summary.add(target("in-process puts, 1 member, 1 caller", "in-process/fake-1/put/1",
        200_000));
    summary.add(target("in-process puts, 3 members, 1 caller", "in-process/fake-3/put/1",
        100_000));
    summary.add(target("in-process gets, 1 member, 1 caller", "in-process/fake-1/get/1",
        250_000));
    List<Double> eightVsOne = new ArrayList<>();
    for (int members : SIZES) {
      for (String op : List.of("put", "txn")) {
        String cell = "in-process/fake-" + members + "/" + op + "/";
        eightVsOne.add(perSecond(cell + CALLERS[CALLERS.length - 1]) / perSecond(cell + 1));
      }
    }
    summary.add(new String[] {"in-process writes (put, txn; 1 and 3 members), 8 callers / 1",
        range(eightVsOne), "≥ 1x", count(eightVsOne, r -> r >= 1)});
  }

  private String[] target(String measure, String cell, double atLeast) {
    double perSecond = perSecond(cell);
    return new String[] {measure, String.format(Locale.ROOT, "%,.0f/s", perSecond),
        String.format(Locale.ROOT, "≥ %,.0f/s", atLeast), met(perSecond >= atLeast)};
  }

  private void summary(Path analysis) throws IOException {
    section("Summary");
    line("| measure | figure | target | met |");
    line("|---|---|---|---|");
    for (String[] row : summary) {
      line("| %s | %s | %s | %s |", (Object[]) row);
    }
    if (missed && Files.exists(analysis)) {
      section("Why targets are missed");
      md.append(Files.readString(analysis));
    }
  }

  // ---- helpers ----

  private double perSecond(String key) {
    return stats.get(key).perSecond();
  }

  private static String range(List<Double> values) {
    return String.format(Locale.ROOT, "%.1fx – %.1fx", values.stream().mapToDouble(d -> d).min()
        .orElseThrow(), values.stream().mapToDouble(d -> d).max().orElseThrow());
  }

  private String count(List<Double> values, java.util.function.DoublePredicate target) {
    long ok = values.stream().filter(target::test).count();
    return met(ok == values.size()).replace("yes", "yes, all " + ok)
        .replace("**no**", "**no**: " + ok + " of " + values.size() + " cells");
  }

  private String met(boolean ok) {
    missed |= !ok;
    return ok ? "yes" : "**no**";
  }

  @FunctionalInterface
  private interface Run {
    long nanos(int i) throws Exception;
  }

  private static double median(int runs, Run run) throws Exception {
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      nanos[i] = run.nanos(i);
    }
    Arrays.sort(nanos);
    return nanos[runs / 2] / 1e6;
  }

  private void section(String title) {
    md.append(System.lineSeparator()).append("## ").append(title).append(System.lineSeparator())
        .append(System.lineSeparator());
  }

  private void line(String format, Object... args) {
    md.append(String.format(Locale.ROOT, format, args)).append(System.lineSeparator());
  }
}
