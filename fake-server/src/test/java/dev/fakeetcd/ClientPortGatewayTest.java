package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.testing.RawHttp;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** etcd's JSON gateway on a member's client port, next to gRPC on the same port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientPortGatewayTest {

  private EtcdCluster cluster;

  @BeforeAll
  void start() {
    cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(7).tcp(true).build());
  }

  @AfterAll
  void close() {
    cluster.close();
  }

  private static String request(URI endpoint, String path, String body, boolean close) {
    return "POST " + path + " HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + (close ? "\r\nConnection: close" : "")
        + "\r\n\r\n" + body;
  }

  private RawHttp.Response post(int member, String path, String body) throws IOException {
    URI endpoint = cluster.endpoints().get(member);
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      return RawHttp.exchange(socket, request(endpoint, path, body, true));
    }
  }

  @Test
  void put_onAFollowerPortIsReadByGrpc() throws Exception {
    int follower = cluster.leader().orElseThrow().index() == 0 ? 1 : 0;

    RawHttp.Response put = post(follower, "/v3/kv/put", "{\"key\":\"Z3c=\",\"value\":\"MQ==\"}");

    assertThat(put.status()).isEqualTo(200);
    ManagedChannel channel = cluster.inProcessChannel(cluster.members().get(2));
    try {
      assertThat(KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("gw")).build())
          .getKvs(0).getValue().toStringUtf8()).isEqualTo("1");
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void watch_streamsEventsOverThePort() throws Exception {
    URI endpoint = cluster.endpoints().get(0);
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request(endpoint, "/v3/watch",
          "{\"create_request\":{\"key\":\"d2F0Y2g=\"}}", false).getBytes(StandardCharsets.UTF_8));
      BufferedReader lines = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(nextResult(lines)).contains("\"created\":true");

      post(1, "/v3/kv/put", "{\"key\":\"d2F0Y2g=\",\"value\":\"eA==\"}");

      assertThat(nextResult(lines)).contains("\"events\":[{\"kv\":{\"key\":\"d2F0Y2g=\"");
    }
  }

  /** The next {@code {"result": ...}} line, past the chunks' framing. */
  private static String nextResult(BufferedReader lines) throws IOException {
    String line;
    do {
      line = lines.readLine();
    } while (line != null && !line.startsWith("{\"result\""));
    return line;
  }

  @Test
  void v3alpha_isTheMuxNotFound() throws Exception {
    RawHttp.Response response = post(0, "/v3alpha/kv/range", "{}");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("404 page not found\n");
  }
}
