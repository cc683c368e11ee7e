package dev.fakeetcd.conformance;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Real etcd processes on free loopback ports, each with its own temporary data dir and a log file
 * under {@code target/etcd-logs/}. {@link #start} returns once the cluster is fully up (see
 * {@link #ready}); {@link #close} (or the JVM shutdown hook) stops the processes and deletes the
 * data dirs.
 */
public final class RealEtcdCluster implements MemberControl {

  private static final Path LOG_ROOT = Path.of("target", "etcd-logs");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  /** One etcd process; ports are in the URLs. */
  record Member(String name, URI clientUrl, URI peerUrl, Path dataDir, Path logFile, Process process) {}

  private final String name;
  private final Path etcdBinary;
  private final List<String> extraFlags;
  /** Null for plaintext client ports. */
  private final ClientTls tls;
  private final Path dataRoot;
  private final Path logDir;
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final Thread shutdownHook = new Thread(this::stop, "etcd-cluster-shutdown");
  private final AtomicBoolean closed = new AtomicBoolean();

  private RealEtcdCluster(String name, Path etcdBinary, List<String> extraFlags, ClientTls tls,
      Path dataRoot, Path logDir) {
    this.name = name;
    this.etcdBinary = etcdBinary;
    this.extraFlags = List.copyOf(extraFlags);
    this.tls = tls;
    this.dataRoot = dataRoot;
    this.logDir = logDir;
  }

  /**
   * Starts {@code size} members with etcd's default flags plus {@code extraFlags}, retrying with new
   * ports when one was taken between probing and binding.
   */
  public static RealEtcdCluster start(Path etcdBinary, String name, int size, List<String> extraFlags) {
    return start(etcdBinary, name, size, extraFlags, null);
  }

  /**
   * As {@link #start(Path, String, int, List)}, with client ports on {@code https} when {@code
   * tls} is given (the TLS flags are among {@code extraFlags}); the readiness probes, MemberAdd's
   * look-ups and {@link #startAdded} present {@code tls}.
   */
  public static RealEtcdCluster start(Path etcdBinary, String name, int size,
      List<String> extraFlags, ClientTls tls) {
    for (int attempt = 1; ; attempt++) {
      RealEtcdCluster cluster = launch(etcdBinary, name, size, extraFlags, tls);
      try {
        cluster.awaitReady();
        return cluster;
      } catch (PortTaken e) {
        cluster.close();
        if (attempt == START_ATTEMPTS) {
          throw new IllegalStateException(
              name + ": a port was taken on each of " + START_ATTEMPTS + " attempts\n" + e.getMessage());
        }
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
    }
  }

  List<Member> members() {
    return List.copyOf(members);
  }

  public List<URI> clientUrls() {
    return members.stream().map(Member::clientUrl).toList();
  }

  /** Stops every member (SIGTERM, then SIGKILL after a grace period) and deletes the data dirs. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shutdownInProgress) {
      // The hook is running or about to; stop() is idempotent.
    }
    stop();
  }

  private void stop() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // One at a time: a leader told to stop hands leadership to a live peer first, which is quick
    // only while that peer is not itself shutting down (otherwise etcd waits ~7 s for the transfer).
    try {
      for (Member member : members) {
        member.process().destroy();
        if (!member.process().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          member.process().destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (InterruptedException e) {
      members.forEach(member -> member.process().destroyForcibly());
      Thread.currentThread().interrupt();
    }
    deleteRecursively(dataRoot);
  }

  private static RealEtcdCluster launch(Path etcdBinary, String name, int size,
      List<String> extraFlags, ClientTls tls) {
    List<Integer> ports = freeLoopbackPorts(2 * size);
    RealEtcdCluster cluster;
    try {
      Files.createDirectories(LOG_ROOT);
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      cluster = new RealEtcdCluster(name, etcdBinary, extraFlags, tls,
          Files.createTempDirectory("fake-etcd-conformance-" + name + "-"),
          Files.createTempDirectory(LOG_ROOT, name + "-" + stamp + "-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);

    List<String> memberNames = new ArrayList<>();
    List<URI> clientUrls = new ArrayList<>();
    List<URI> peerUrls = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      memberNames.add("m" + i);
      clientUrls.add(URI.create(cluster.clientScheme() + "://127.0.0.1:" + ports.get(2 * i)));
      peerUrls.add(URI.create("http://127.0.0.1:" + ports.get(2 * i + 1)));
    }
    String initialCluster = IntStream.range(0, size)
        .mapToObj(i -> memberNames.get(i) + "=" + peerUrls.get(i))
        .collect(Collectors.joining(","));
    String token = name + "-" + UUID.randomUUID();

    try {
      for (int i = 0; i < size; i++) {
        cluster.members.add(cluster.startProcess(memberNames.get(i), clientUrls.get(i),
            peerUrls.get(i), initialCluster, List.of("--initial-cluster-token=" + token,
                "--initial-cluster-state=new")));
      }
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException("cannot start " + etcdBinary, e);
    }
    return cluster;
  }

  private Member startProcess(String memberName, URI clientUrl, URI peerUrl, String initialCluster,
      List<String> clusterFlags) throws IOException {
    Path dataDir = dataRoot.resolve(memberName);
    Path logFile = logDir.resolve(memberName + ".log");
    List<String> command = new ArrayList<>(List.of(
        etcdBinary.toString(),
        "--name=" + memberName,
        "--data-dir=" + dataDir,
        "--listen-client-urls=" + clientUrl,
        "--advertise-client-urls=" + clientUrl,
        "--listen-peer-urls=" + peerUrl,
        "--initial-advertise-peer-urls=" + peerUrl,
        "--initial-cluster=" + initialCluster,
        "--logger=zap"));
    command.addAll(clusterFlags);
    command.addAll(extraFlags);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    // Inherited ETCD_* variables would act as flags (etcd reads its flags from the environment).
    builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD_"));
    return new Member(memberName, clientUrl, peerUrl, dataDir, logFile, builder.start());
  }

  /**
   * Starts the member a MemberAdd added with {@code peerUrl}, as an operator would: a new process
   * with an empty data dir and {@code --initial-cluster-state=existing}, told every member's peer
   * URLs. Returns its client URL once it answers Status with a leader.
   */
  @Override
  public URI startAdded(long id, URI peerUrl) {
    List<dev.fakeetcd.api.Member> listed;
    ManagedChannel channel = Channels.to(liveClientUrl(), tls);
    try {
      listed = ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .memberList(MemberListRequest.getDefaultInstance()).getMembersList();
    } finally {
      Channels.shutdown(List.of(channel));
    }
    String memberName = "m" + members.size();
    String initialCluster = listed.stream()
        .map(m -> (m.getPeerURLsList().contains(peerUrl.toString()) ? memberName : m.getName())
            + "=" + String.join(",", m.getPeerURLsList()))
        .collect(Collectors.joining(","));
    URI clientUrl = URI.create(clientScheme() + "://127.0.0.1:" + freeLoopbackPorts(1).get(0));
    Member member;
    try {
      member = startProcess(memberName, clientUrl, peerUrl, initialCluster,
          List.of("--initial-cluster-state=existing"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + etcdBinary, e);
    }
    members.add(member);
    Channels.awaitLeaderKnown(clientUrl, tls, READY_TIMEOUT, () -> member.process().isAlive(),
        () -> name + ": member " + member.name() + " did not join\n" + logTails());
    return clientUrl;
  }

  /**
   * Kills the member's process (SIGKILL: no goodbye to its clients or peers, as a crash); the
   * data dir stays until {@link #close}.
   */
  @Override
  public void stop(int index) {
    Process process = members.get(index).process();
    try {
      process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String clientScheme() {
    return tls == null ? "http" : "https";
  }

  private URI liveClientUrl() {
    return members.stream().filter(m -> m.process().isAlive()).map(Member::clientUrl).findFirst()
        .orElseThrow(() -> new IllegalStateException(name + ": no member is running"));
  }


  private void awaitReady() {
    List<ManagedChannel> channels = members.stream().map(m -> Channels.to(m.clientUrl(), tls))
        .toList();
    HttpClient.Builder httpBuilder = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT);
    if (tls != null) {
      httpBuilder.sslContext(tls.sslContext());
    }
    HttpClient http = httpBuilder.build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      while (true) {
        for (Member member : members) {
          if (!member.process().isAlive()) {
            String logs = logTails();
            String message = name + ": member " + member.name() + " exited with code "
                + member.process().exitValue() + " before serving\n" + logs;
            if (logs.contains("address already in use")) {
              throw new PortTaken(message);
            }
            throw new IllegalStateException(message);
          }
        }
        if (ready(channels, http)) {
          return;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              name + ": not ready within " + READY_TIMEOUT.toSeconds() + " s\n" + logTails());
        }
        Thread.sleep(POLL_INTERVAL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + ": interrupted while starting", e);
    } finally {
      Channels.shutdown(channels);
    }
  }

  /**
   * Ready once every member agrees on one leader, lists every member as published (name set) and
   * has decided the cluster version: before that, MemberList shows nameless members and
   * version-gated requests are refused.
   */
  private boolean ready(List<ManagedChannel> channels, HttpClient http) throws InterruptedException {
    long leader = 0;
    for (int i = 0; i < members.size(); i++) {
      try {
        StatusResponse status = MaintenanceGrpc.newBlockingStub(channels.get(i))
            .withDeadlineAfter(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .status(StatusRequest.getDefaultInstance());
        if (status.getLeader() == 0 || (leader != 0 && status.getLeader() != leader)) {
          return false;
        }
        leader = status.getLeader();
        MemberListResponse list = ClusterGrpc.newBlockingStub(channels.get(i))
            .withDeadlineAfter(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .memberList(MemberListRequest.getDefaultInstance());
        if (list.getMembersCount() != members.size()
            || list.getMembersList().stream().anyMatch(member -> member.getName().isEmpty())) {
          return false;
        }
      } catch (StatusRuntimeException notServingYet) {
        return false;
      }
      if (!clusterVersionDecided(members.get(i).clientUrl(), http)) {
        return false;
      }
    }
    return true;
  }

  private static boolean clusterVersionDecided(URI clientUrl, HttpClient http) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(clientUrl.resolve("/version")).timeout(PROBE_TIMEOUT).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 && !response.body().contains("not_decided");
    } catch (IOException notServingYet) {
      return false;
    }
  }

  private String logTails() {
    StringBuilder tails = new StringBuilder("logs in ").append(logDir.toAbsolutePath()).append('\n');
    for (Member member : members) {
      tails.append("--- last lines of ").append(member.logFile().getFileName()).append(" ---\n");
      try {
        List<String> lines = Files.readAllLines(member.logFile(), StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
            .forEach(line -> tails.append(line).append('\n'));
      } catch (IOException e) {
        tails.append("(unreadable: ").append(e).append(")\n");
      }
    }
    return tails.toString();
  }

  /** Distinct free ports: all are held open together so none is handed out twice. */
  static List<Integer> freeLoopbackPorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a listening socket that never accepted cannot lose data.
        }
      }
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** A member could not bind a port that was free a moment before: start over with new ports. */
  private static final class PortTaken extends RuntimeException {
    PortTaken(String message) {
      super(message);
    }
  }
}
