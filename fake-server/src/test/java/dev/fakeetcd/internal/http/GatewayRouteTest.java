package dev.fakeetcd.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.internal.http.GatewayHarness.Reply;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayRouteTest {

  private static final String HEADER =
      "\\{\"cluster_id\":\"\\d+\",\"member_id\":\"\\d+\",\"revision\":\"%d\",\"raft_term\":\"\\d+\"}";

  private final GatewayHarness gateway = new GatewayHarness();

  @AfterEach
  void close() {
    gateway.close();
  }

  private static String header(long revision) {
    return HEADER.formatted(revision);
  }

  @Test
  void put_answersHeaderWithIntegersAsStrings() {
    Reply reply = gateway.post("/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.header("Grpc-Metadata-Content-Type")).isEqualTo("application/grpc");
    assertThat(reply.body()).matches("\\{\"header\":" + header(2) + "}");
  }

  @Test
  void put_writesHeaderNamesAsGo() {
    Reply reply = gateway.post("/v3/kv/put", "{\"key\":\"Zm9v\"}", "Connection", "close");

    assertThat(reply.head().headers().names())
        .contains("Content-Type", "Content-Length", "Connection", "Access-Control-Allow-Origin");
  }

  @Test
  void range_printsKeysAsBase64AndLeavesDefaultsOut() {
    gateway.post("/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");

    Reply reply = gateway.post("/v3/kv/range", "{\"key\":\"Zm9v\"}");

    assertThat(reply.body()).matches("\\{\"header\":" + header(2) + ",\"kvs\":\\[\\{\"key\":\"Zm9v\","
        + "\"create_revision\":\"2\",\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"}],"
        + "\"count\":\"1\"}");
  }

  @Test
  void range_futureRevisionAnswersGrpcErrorChunkedWithTrailer() {
    Reply reply = gateway.post("/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":100}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Trailer")).isEqualTo("Grpc-Trailer-Content-Type");
    assertThat(reply.trailers().get("Grpc-Trailer-Content-Type")).isEqualTo("application/grpc");
    assertThat(reply.body()).isEqualTo("{\"error\":\"etcdserver: mvcc: required revision is a future"
        + " revision\",\"message\":\"etcdserver: mvcc: required revision is a future revision\","
        + "\"code\":11}");
  }

  @Test
  void leaseGrant_existingIdAnswers412() {
    gateway.post("/v3/lease/grant", "{\"TTL\":100,\"ID\":4660}");

    Reply reply = gateway.post("/v3/lease/grant", "{\"TTL\":100,\"ID\":4660}");

    assertThat(reply.status()).isEqualTo(412);
    assertThat(reply.body()).endsWith("\"code\":9}");
  }

  @Test
  void emptyBody_isAnEmptyRequest() {
    Reply reply = gateway.post("/v3/kv/range", "");

    assertThat(reply.body()).isEqualTo("{\"error\":\"etcdserver: key is not provided\","
        + "\"message\":\"etcdserver: key is not provided\",\"code\":3}");
  }

  @Test
  void badJson_answersGoDecoderErrorWithoutTrailer() {
    Reply reply = gateway.post("/v3/kv/range", "{bad");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Length")).isEqualTo(String.valueOf(reply.body().length()));
    assertThat(reply.body()).isEqualTo("{\"error\":\"invalid character 'b' looking for beginning of"
        + " object key string\",\"message\":\"invalid character 'b' looking for beginning of object"
        + " key string\",\"code\":3}");
  }

  @Test
  void badBase64_answersGoOffset() {
    Reply reply = gateway.post("/v3/kv/range", "{\"key\":\"Zm9v!\"}");

    assertThat(reply.body()).isEqualTo("{\"error\":\"illegal base64 data at input byte 4\","
        + "\"message\":\"illegal base64 data at input byte 4\",\"code\":3}");
  }

  @Test
  void arrayBody_answersJsonpbTypeError() {
    Reply reply = gateway.post("/v3/kv/range", "[]");

    assertThat(reply.body()).startsWith("{\"error\":\"json: cannot unmarshal array into Go value of"
        + " type map[string]json.RawMessage\"");
  }

  @Test
  void get_isMethodNotAllowed() {
    gateway.send(HttpMethod.GET, "/v3/kv/range", "");

    Reply reply = gateway.await(Integer.MAX_VALUE);

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(reply.body()).isEqualTo("Method Not Allowed\n");
  }

  @Test
  void unknownPath_isNotFound() {
    Reply reply = gateway.post("/v3/maintenance/hashkv", "{}");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.body()).isEqualTo("Not Found\n");
  }

  @Test
  void options_isAnsweredAsCorsPreflight() {
    gateway.send(HttpMethod.OPTIONS, "/v3/kv/range", "");

    Reply reply = gateway.await(Integer.MAX_VALUE);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(reply.body()).isEmpty();
  }

  @Test
  void v3beta_isServedAsV3() {
    Reply reply = gateway.post("/v3beta/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");

    assertThat(reply.body()).matches("\\{\"header\":" + header(2) + "}");
  }

  @Test
  void serves_v3AndV3betaButNotV3alpha() {
    assertThat(gateway.route.serves("/v3/kv/range")).isTrue();
    assertThat(gateway.route.serves("/v3beta/kv/range")).isTrue();
    assertThat(gateway.route.serves("/v3alpha/kv/range")).isFalse();
    assertThat(gateway.route.serves("/v3beta")).isFalse();
  }

  @Test
  void v3WithoutSlash_isRedirectedToTheSubtree() {
    Reply reply = gateway.post("/v3?a=b", "{}");

    assertThat(reply.status()).isEqualTo(301);
    assertThat(reply.header("Location")).isEqualTo("/v3/?a=b");
    assertThat(reply.body()).isEmpty();
  }

  @Test
  void paths_areEtcd34Gateways() {
    assertThat(gateway.route.paths()).hasSize(48)
        .contains("/v3/kv/lease/revoke", "/v3/maintenance/transfer-leadership", "/v3/lock/unlock")
        .doesNotContain("/v3/maintenance/downgrade", "/v3/auth/status");
  }

  @Test
  void txn_nestedTxnPrintsEmptyHeader() {
    Reply reply = gateway.post("/v3/kv/txn", "{\"compare\":[{\"key\":\"bWlzc2luZw==\","
        + "\"target\":\"VERSION\",\"result\":\"EQUAL\",\"version\":0}],\"success\":["
        + "{\"request_txn\":{\"success\":[{\"request_put\":{\"key\":\"dDI=\",\"value\":\"Mg==\"}}]}}]}");

    assertThat(reply.body()).matches("\\{\"header\":" + header(2) + ",\"succeeded\":true,\"responses\":"
        + "\\[\\{\"response_txn\":\\{\"header\":\\{},\"succeeded\":true,\"responses\":"
        + "\\[\\{\"response_put\":\\{\"header\":\\{\"revision\":\"2\"}}}]}}]}");
  }

  @Test
  void txn_acceptsEnumsAsNumbers() {
    Reply reply = gateway.post("/v3/kv/txn", "{\"compare\":[{\"key\":\"eA==\",\"target\":0,"
        + "\"result\":1,\"version\":\"0\"}]}");

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void authorizationHeader_isSentAsToken() {
    gateway.post("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"pw\"}");
    gateway.post("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    gateway.post("/v3/auth/enable", "{}");
    String auth = gateway.post("/v3/auth/authenticate", "{\"name\":\"root\",\"password\":\"pw\"}")
        .body();
    String token = auth.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");

    Reply reply = gateway.post("/v3/kv/range", "{\"key\":\"Zm9v\"}", "Authorization", token);

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void authorizationHeader_invalidTokenAnswers401() {
    gateway.post("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"pw\"}");
    gateway.post("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    gateway.post("/v3/auth/enable", "{}");

    Reply reply = gateway.post("/v3/kv/range", "{\"key\":\"Zm9v\"}", "Authorization", "bad");

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).isEqualTo("{\"error\":\"etcdserver: invalid auth token\","
        + "\"message\":\"etcdserver: invalid auth token\",\"code\":16}");
  }

  @Test
  void watch_answersEachRequestAsAResultLine() {
    gateway.send(HttpMethod.POST, "/v3/watch",
        "{\"create_request\":{\"key\":\"Zm9v\"}}\n{\"progress_request\":{}}\n");

    Reply reply = gateway.await(2);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(reply.body()).matches("\\{\"result\":\\{\"header\":" + header(1)
        + ",\"created\":true}}\n\\{\"result\":\\{\"header\":" + header(1) + ",\"watch_id\":\"-1\"}}\n");
  }

  @Test
  void watch_stopsReadingAtBadJsonButKeepsTheStream() {
    gateway.send(HttpMethod.POST, "/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\"}}\n{bad\n");

    Reply reply = gateway.await(1);

    assertThat(reply.ended()).isFalse();
    assertThat(reply.body()).contains("\"created\":true");
  }

  @Test
  void watch_badFirstRequestAnswers500WithUnknownCode() {
    Reply reply = gateway.post("/v3/watch", "{\"create_request\":{\"key\":\"!\"}}");

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body()).isEqualTo("{\"error\":\"illegal base64 data at input byte 0\","
        + "\"message\":\"illegal base64 data at input byte 0\",\"code\":2}");
  }

  @Test
  void leaseKeepAlive_unknownLeaseAnswersResultWithoutTtl() {
    gateway.send(HttpMethod.POST, "/v3/lease/keepalive", "{\"ID\":999999}");

    Reply reply = gateway.await(1);

    assertThat(reply.body()).matches("\\{\"result\":\\{\"header\":" + header(1)
        + ",\"ID\":\"999999\"}}\n");
  }

  @Test
  void snapshot_streamsBlobs() {
    gateway.send(HttpMethod.POST, "/v3/maintenance/snapshot", "{}");

    Reply reply = gateway.await(1);

    assertThat(reply.body()).startsWith("{\"result\":{").contains("\"blob\":\"");
  }

  @Test
  void maintenanceHash_isHash() {
    Reply reply = gateway.post("/v3/maintenance/hash", "{}");

    assertThat(reply.body()).matches("\\{\"header\":" + header(1) + ",\"hash\":\\d+}");
  }
}
