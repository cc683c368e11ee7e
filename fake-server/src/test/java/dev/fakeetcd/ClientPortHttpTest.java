package dev.fakeetcd;

import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.testing.GrpcHealth;
import dev.fakeetcd.testing.RawHttp;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.SocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The HTTP/1.1 side of a member's client port, next to gRPC on the same port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientPortHttpTest {

  private EtcdCluster cluster;

  @BeforeAll
  void start() {
    cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(7).tcp(true).build());
  }

  @AfterAll
  void close() {
    cluster.close();
  }

  @Test
  void health_answersTrueWithALeader() {
    RawHttp.Response response = get(cluster, 0, "/health");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"health\":\"true\"}");
    assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void health_readsWithoutAppendingToTheLog() {
    long applied = cluster.status().get(0).appliedIndex();

    get(cluster, 0, "/health");

    assertThat(cluster.status().get(0).appliedIndex()).isEqualTo(applied); // divergence #34
  }

  @Test
  void health_answersFalseUnderAnAlarm() {
    try (EtcdCluster alarmed = FakeEtcd.newCluster(
        ClusterConfig.builder().members(1).seed(3).tcp(true).build())) {
      alarmed.alarms().activate(alarmed.member(0), AlarmType.NOSPACE);

      RawHttp.Response response = get(alarmed, 0, "/health");

      assertThat(response.status()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("{\"health\":\"false\"}\n");
    }
  }

  @Test
  void health_answersFalseWithoutALeader() {
    try (EtcdCluster split = FakeEtcd.newCluster(
        ClusterConfig.builder().members(3).seed(4).tcp(true).build())) {
      Member follower = split.members().stream()
          .filter(m -> !m.equals(split.leader().orElseThrow())).findFirst().orElseThrow();
      split.network().isolate(follower);
      split.clock().advance(Duration.ofSeconds(3));

      RawHttp.Response response = get(split, split.members().indexOf(follower), "/health");

      assertThat(response.status()).isEqualTo(503);
    }
  }

  @Test
  void version_answersTheVersionsStatusClaims() {
    RawHttp.Response response = get(cluster, 1, "/version");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
    assertThat(response.header("content-type")).isEqualTo("application/json");
  }

  @Test
  void version_refusesPostWith405() {
    RawHttp.Response response = RawHttp.request(SocketFactory.getDefault(),
        cluster.endpoints().get(0), "POST", "/version");

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.header("allow")).isEqualTo("GET");
  }

  @Test
  void unknownPath_answersEtcds404() {
    RawHttp.Response response = get(cluster, 0, "/nope");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("404 page not found\n");
    assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
  }

  @Test
  void metrics_writesEtcdsFamiliesInTextFormat() {
    RawHttp.Response response = get(cluster, 0, "/metrics");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body()).contains("# TYPE etcd_server_has_leader gauge\n",
        "etcd_server_has_leader 1",
        "# TYPE etcd_server_leader_changes_seen_total counter\n",
        "# TYPE etcd_server_proposals_committed_total gauge\n",
        "# TYPE etcd_server_proposals_applied_total gauge\n",
        "# TYPE etcd_server_proposals_pending gauge\n",
        "# TYPE etcd_server_proposals_failed_total counter\n",
        "# TYPE etcd_mvcc_db_total_size_in_bytes gauge\n",
        "# TYPE etcd_mvcc_db_total_size_in_use_in_bytes gauge\n",
        "# TYPE etcd_debugging_mvcc_keys_total gauge\n",
        "# TYPE grpc_server_handled_total counter\n");
  }

  @Test
  void metrics_countHandledCallsOnTheSamePort() throws InterruptedException {
    ManagedChannel channel = channel(cluster, 2);
    try {
      KVGrpc.newBlockingStub(channel).put(put("metrics", "v"));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    assertThat(get(cluster, 2, "/metrics").body()).contains("grpc_server_handled_total{"
        + "grpc_code=\"OK\",grpc_method=\"Put\",grpc_service=\"etcdserverpb.KV\","
        + "grpc_type=\"unary\"} 1.0\n");
  }

  @Test
  void port_servesGrpcAndHttpOnOneKeptAliveConnectionEach() throws Exception {
    ManagedChannel channel = channel(cluster, 1);
    try (Socket socket = new Socket("127.0.0.1", cluster.endpoints().get(1).getPort())) {
      String first = exchange(socket, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
      KVGrpc.newBlockingStub(channel).put(put("both", "v"));
      String second = exchange(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(first).startsWith("HTTP/1.1 200 OK").endsWith("\"etcdcluster\":\"3.4.0\"}");
      assertThat(second).startsWith("HTTP/1.1 200 OK").endsWith("{\"health\":\"true\"}");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void garbage_getsA400AndNothingLogged() throws IOException {
    List<LogRecord> logged = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    Logger grpc = Logger.getLogger("io.grpc");
    grpc.addHandler(handler);
    try (Socket socket = new Socket("127.0.0.1", cluster.endpoints().get(0).getPort())) {
      String answer = exchange(socket, "\u0001\u0002 nonsense\r\n\r\n");

      assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
    } finally {
      grpc.removeHandler(handler);
    }
    assertThat(logged).filteredOn(r -> r.getLevel().intValue() >= Level.INFO.intValue())
        .isEmpty();
  }

  @Test
  void drop_closesKeptAliveHttpConnections() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", cluster.endpoints().get(2).getPort())) {
      exchange(socket, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n");

      cluster.clientLinks().drop(cluster.member(2));

      socket.setSoTimeout(10_000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void grpcHealth_answersServingForTheServer() throws InterruptedException {
    ManagedChannel channel = channel(cluster, 0);
    try {
      byte[] answer = ClientCalls.blockingUnaryCall(channel, GrpcHealth.CHECK, CallOptions.DEFAULT,
          new byte[0]);

      assertThat(answer).containsExactly(0x08, 0x01); // status: SERVING
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void grpcHealth_answersNotFoundForAnotherService() throws InterruptedException {
    ManagedChannel channel = channel(cluster, 0);
    try {
      byte[] request = {0x0a, 0x01, 'x'}; // service: "x"

      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcHealth.CHECK,
          CallOptions.DEFAULT, request))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(e.getStatus().getDescription()).isEqualTo("unknown service");
          });
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }



  private static ManagedChannel channel(EtcdCluster cluster, int member) {
    URI endpoint = cluster.endpoints().get(member);
    return NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort()).usePlaintext()
        .build();
  }

  private static RawHttp.Response get(EtcdCluster on, int member, String path) {
    return RawHttp.get(on.endpoints().get(member), path);
  }

  private static String exchange(Socket socket, String request) throws IOException {
    RawHttp.Response response = RawHttp.exchange(socket, request);
    return response.statusLine() + " " + response.body();
  }
}
