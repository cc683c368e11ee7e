package dev.fakeetcd.conformance.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.testing.GrpcHealth;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP/1.1 side of the client port (etcd's cmux hands every request that is not gRPC to its
 * HTTP mux) and the gRPC health service: the same answers from the fake and from etcd.
 */
class HttpEndpointsConformanceTest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  /** The families the fake writes, with etcd 3.4.23's types. */
  private static final Map<String, String> FAMILIES = new TreeMap<>(Map.of(
      "etcd_server_has_leader", "gauge",
      "etcd_server_leader_changes_seen_total", "counter",
      "etcd_server_proposals_committed_total", "gauge",
      "etcd_server_proposals_applied_total", "gauge",
      "etcd_server_proposals_pending", "gauge",
      "etcd_server_proposals_failed_total", "counter",
      "etcd_mvcc_db_total_size_in_bytes", "gauge",
      "etcd_mvcc_db_total_size_in_use_in_bytes", "gauge",
      "etcd_debugging_mvcc_keys_total", "gauge",
      "grpc_server_handled_total", "counter"));

  @ConformanceTest
  void health_answersTrueAsPlainText(EtcdTarget target) {
    HttpResponse<String> response = get(target, "/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"health\":\"true\"}");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
  }

  @ConformanceTest
  void health_post_answers405AllowingGet(EtcdTarget target) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri(target, "/health"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).isEqualTo("Method Not Allowed\n");
    assertThat(response.headers().firstValue("allow")).hasValue("GET");
  }

  @ConformanceTest
  void version_answersTheServerAndClusterVersions(EtcdTarget target) {
    HttpResponse<String> response = get(target, "/version");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}");
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
  }

  @ConformanceTest
  void unknownPath_answersGo404(EtcdTarget target) {
    HttpResponse<String> response = get(target, "/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("404 page not found\n");
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
  }

  @ConformanceTest
  void metrics_writeEtcdsFamiliesWithTheirTypes(EtcdTarget target) {
    HttpResponse<String> response = get(target, "/metrics");
    Map<String, String> types = new TreeMap<>();
    response.body().lines().filter(line -> line.startsWith("# TYPE ")).forEach(line -> {
      String[] parts = line.split(" ");
      if (FAMILIES.containsKey(parts[2])) {
        types.put(parts[2], parts[3]);
      }
    });

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(types).isEqualTo(FAMILIES);
  }

  @ConformanceTest
  void metrics_countHandledCallsWithGrpcPrometheusLabels(EtcdTarget target) {
    KVGrpc.newBlockingStub(target.channels().get(0)).range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("k")).build());

    assertThat(get(target, "/metrics").body().lines()).anyMatch(line -> line.startsWith(
        "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Range\","
            + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} "));
  }

  @ConformanceTest
  void grpcHealthCheck_answersServing(EtcdTarget target) {
    byte[] answer = ClientCalls.blockingUnaryCall(target.channels().get(0), GrpcHealth.CHECK,
        CallOptions.DEFAULT, new byte[0]);

    assertThat(answer).containsExactly(0x08, 0x01); // HealthCheckResponse{status: SERVING}
  }



  private static URI uri(EtcdTarget target, String path) {
    return target.endpoints().get(0).resolve(path);
  }

  private static HttpResponse<String> get(EtcdTarget target, String path) {
    return send(HttpRequest.newBuilder(uri(target, path)).timeout(Duration.ofSeconds(10)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
