package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.SnapshotRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeEtcdMainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private EtcdCluster run(String... args) {
    return FakeEtcdMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> lines(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void run_printsEndpointsThatServeKv() throws InterruptedException {
    try (EtcdCluster cluster = run("--members", "3", "--port", "0", "--seed", "5")) {
      List<URI> printed = lines(out).stream().map(URI::create).toList();
      assertThat(printed).hasSize(3).isEqualTo(cluster.endpoints());

      ManagedChannel writer = channel(printed.get(0));
      try {
        KVGrpc.newBlockingStub(writer).put(put("k", "v"));
      } finally {
        writer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (URI endpoint : printed) {
        ManagedChannel reader = channel(endpoint);
        try {
          assertThat(KVGrpc.newBlockingStub(reader).range(get("k")).getKvs(0).getValue())
              .isEqualTo(bytes("v"));
        } finally {
          reader.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void run_runsOnTheWallClockWithTheGivenSeed() {
    try (EtcdCluster cluster = run("--members=1", "--port=0", "--seed=42")) {
      assertThat(cluster.seed()).isEqualTo(42);
      assertThat(cluster.config().clockMode()).isEqualTo(VirtualClock.Mode.WALL_CLOCK);
      assertThat(lines(err)).isEmpty();
    }
  }

  @Test
  void run_quotaBackendBytes_setsTheClustersQuota() {
    try (EtcdCluster cluster = run("--members=1", "--port=0", "--seed=1",
        "--quota-backend-bytes", "-1")) {
      assertThat(cluster.config().quotaBackendBytes()).isEqualTo(-1);
    }
  }

  @Test
  void run_authFlags_setTheClustersAuth() {
    try (EtcdCluster cluster = run("--members=1", "--port=0", "--seed=1",
        "--auth-token", "simple", "--auth-token-ttl", "30", "--bcrypt-cost", "4")) {
      assertThat(cluster.config().authToken()).isEqualTo("simple");
      assertThat(cluster.config().authTokenTtl()).isEqualTo(Duration.ofSeconds(30));
      assertThat(cluster.config().bcryptCost()).isEqualTo(4);
    }
  }

  @Test
  void run_unknownAuthToken_failsWithEtcdsComplaint() {
    assertThatThrownBy(() -> run("--port=0", "--auth-token", "bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--auth-token: ")
        .hasMessageContaining("unknown token type: bogus");
  }

  @Test
  void run_withoutSeed_printsTheRandomSeedOnStderr() {
    try (EtcdCluster cluster = run("--members", "1", "--port", "0")) {
      assertThat(lines(err)).containsExactly("fake-etcd-server: seed " + cluster.seed());
    }
  }

  @Test
  void run_help_printsUsageAndStartsNothing() {
    assertThat(run("--port", "0", "--help")).isNull();

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage:").contains("--members N");
  }

  @Test
  void usage_namesEveryFlagTheParserAccepts() {
    for (FakeEtcdMain.Flag flag : FakeEtcdMain.FLAGS) {
      assertThat(FakeEtcdMain.USAGE).contains("  " + flag.name() + (flag.value() == null ? "" : " " + flag.value()));
      if (!flag.name().equals("--help")) {
        // Accepted: it fails, if at all, for want of a value or of the TLS files, never as unknown.
        assertThatThrownBy(() -> run(flag.name())).hasMessageNotContaining("unknown argument");
      }
    }
  }

  @Test
  void explain_portInUse_namesPortAndMemberAndHintsAtFreePorts() throws IOException {
    try (ServerSocket held = EtcdClusterTcpTest.listen(0)) {
      RuntimeException failure = catchRuntimeException(
          () -> run("--members", "1", "--seed", "1", "--port", Integer.toString(held.getLocalPort())));

      assertThat(FakeEtcdMain.explain(failure, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(1);
      assertThat(lines(err)).hasSize(2);
      assertThat(lines(err).get(0)).matches("fake-etcd-server: cannot start member member-0\\([0-9a-f]+\\): 127\\.0\\.0\\.1:"
          + held.getLocalPort() + " is already in use");
      assertThat(lines(err).get(1)).isEqualTo("fake-etcd-server: choose another --port, or --port 0 for free ports");
    }
  }

  @Test
  void explain_badArgument_printsItAndTheUsage() {
    RuntimeException failure = catchRuntimeException(() -> run("--memebrs", "3"));

    assertThat(FakeEtcdMain.explain(failure, new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
    assertThat(lines(err).get(0)).isEqualTo("fake-etcd-server: unknown argument: --memebrs");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(FakeEtcdMain.USAGE);
  }

  @Test
  void run_notANumber_namesTheValue() {
    assertThatThrownBy(() -> run("--members", "three"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--members is not a number: three");
  }

  @Test
  void run_portOutOfRange_namesTheValue() {
    assertThatThrownBy(() -> run("--port", "70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--port must be in 0..65535: 70000");
  }

  @Test
  void run_unknownArgument_namesIt() {
    assertThatThrownBy(() -> run("--memebrs", "3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown argument: --memebrs");
  }

  @Test
  void run_missingValue_namesTheOption() {
    assertThatThrownBy(() -> run("--port", "0", "--seed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--seed needs a value");
  }

  @Test
  void run_restore_servesTheSnapshotsKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.db");
    try (EtcdCluster source = FakeEtcd.newCluster(ClusterConfig.builder().members(1).build())) {
      ManagedChannel channel = source.inProcessChannel(source.member(0));
      try {
        KVGrpc.newBlockingStub(channel).put(put("k", "restored"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MaintenanceGrpc.newBlockingStub(channel).snapshot(SnapshotRequest.getDefaultInstance())
            .forEachRemaining(m -> bytes.writeBytes(m.getBlob().toByteArray()));
        Files.write(file, bytes.toByteArray());
      } finally {
        channel.shutdownNow();
      }
    }

    try (EtcdCluster cluster = run("--members=1", "--port=0", "--seed=1", "--restore", file.toString())) {
      ManagedChannel reader = channel(cluster.endpoints().get(0));
      try {
        assertThat(KVGrpc.newBlockingStub(reader).range(get("k")).getKvs(0).getValue())
            .isEqualTo(bytes("restored"));
      } finally {
        reader.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void run_restoreMissingFile_namesIt(@TempDir Path dir) {
    Path file = dir.resolve("none.db");

    assertThatThrownBy(() -> run("--port=0", "--restore=" + file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--restore: cannot read " + file + " (java.nio.file.NoSuchFileException");
  }

  @Test
  void run_certAndKeyFiles_printHttpsEndpoints(@TempDir Path dir) {
    TestCertificates certs = TestCertificates.create(dir);

    try (EtcdCluster cluster = run("--members=1", "--port=0", "--seed=1",
        "--cert-file", certs.serverCertFile().toString(),
        "--key-file", certs.serverKeyFile().toString())) {
      assertThat(lines(out)).singleElement().asString().startsWith("https://127.0.0.1:");
      assertThat(cluster.config().tls().orElseThrow().clientCertAuth()).isFalse();
    }
  }

  @Test
  void run_clientCertAuth_requiresCertificatesOfTheTrustedCa(@TempDir Path dir) {
    TestCertificates certs = TestCertificates.create(dir);

    try (EtcdCluster cluster = run("--members=1", "--port=0", "--seed=1",
        "--cert-file=" + certs.serverCertFile(), "--key-file=" + certs.serverKeyFile(),
        "--trusted-ca-file=" + certs.caFile(), "--client-cert-auth")) {
      ServerTls tls = cluster.config().tls().orElseThrow();
      assertThat(tls.clientCertAuth()).isTrue();
      assertThat(tls.trustedCaFile()).hasValue(certs.caFile());
    }
  }

  @Test
  void run_certFileWithoutKeyFile_isRefused(@TempDir Path dir) {
    TestCertificates certs = TestCertificates.create(dir);

    assertThatThrownBy(() -> run("--port=0", "--cert-file", certs.serverCertFile().toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cert-file and --key-file go together");
  }

  private static ManagedChannel channel(URI endpoint) {
    return NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort()).usePlaintext().build();
  }
}
