package dev.fakeetcd.conformance.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.conformance.EtcdBinary;
import dev.fakeetcd.conformance.RealEtcdCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sends the same HTTP requests to the JSON gateway on the client port of a one-member real etcd
 * and of a one-member fake and compares status, header names, content type and body with
 * identity fields (cluster and member IDs, terms, tokens, URLs) masked. Both clusters start
 * fresh and get the same requests in the same order, so revisions line up.
 */
@ExtendWith(EtcdBinary.class)
class GatewayDifferentialTest {

  private static final Duration STREAM_WAIT = Duration.ofSeconds(5);
  private static final List<String> IDENTITY =
      List.of("cluster_id", "member_id", "raft_term", "token");
  private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:\\d+");

  private static RealEtcdCluster real;
  private static EtcdCluster fake;
  private static URI fakeUrl;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final Map<String, String> differences = new LinkedHashMap<>();
  private int agreeing;
  private String realToken = "";
  private String fakeToken = "";

  @BeforeAll
  static void startServers() {
    real = RealEtcdCluster.start(EtcdBinary.path(), "gwdiff", 1, List.of());
    fake = FakeEtcd.newCluster(ClusterConfig.builder().members(1).tcp(true).build());
    fakeUrl = fake.endpoints().get(0);
  }

  @AfterAll
  static void stopServers() {
    if (fake != null) {
      fake.close();
    }
    if (real != null) {
      real.close();
    }
  }

  @Test
  void gatewayRequests_answerAsRealEtcd() {
    kv();
    leases();
    watches();
    clusterAndMaintenance();
    electionsAndLocks();
    auth();

    System.out.printf("gateway differential: %d agree, %d differ%n", agreeing, differences.size());
    differences.forEach((name, diff) -> System.out.println("--- " + name + "\n" + diff));
    assertThat(differences).isEmpty();
  }

  private void kv() {
    post("put", "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}");
    post("put prev_kv", "/v3/kv/put", "{\"key\":\"Zm9v\",\"value\":\"YmF6\",\"prev_kv\":true}");
    post("range", "/v3/kv/range", "{\"key\":\"Zm9v\"}");
    post("range at revision", "/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":2}");
    post("range future revision", "/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":100}");
    post("range prefix keys_only", "/v3/kv/range",
        "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"keys_only\":true,\"count_only\":false}");
    post("range count_only", "/v3/kv/range", "{\"key\":\"AA==\",\"range_end\":\"AA==\","
        + "\"count_only\":true}");
    post("range sort enum", "/v3/kv/range", "{\"key\":\"AA==\",\"range_end\":\"AA==\","
        + "\"sort_order\":\"DESCEND\",\"sort_target\":\"MOD\"}");
    post("range empty body", "/v3/kv/range", "");
    post("range null body", "/v3/kv/range", "null");
    post("range bad json", "/v3/kv/range", "{bad");
    post("range truncated json", "/v3/kv/range", "{\"key\":");
    post("range bad literal", "/v3/kv/range", "{\"key\":tru}");
    post("range bad base64", "/v3/kv/range", "{\"key\":\"Zm9v!\"}");
    post("range short base64", "/v3/kv/range", "{\"key\":\"Zm9\"}");
    post("range array body", "/v3/kv/range", "[]");
    post("range unknown field", "/v3/kv/range", "{\"key\":\"Zm9v\",\"nope\":1}");
    post("range int64 as string", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":\"1\"}");
    post("range camelCase names", "/v3/kv/range", "{\"key\":\"AA==\",\"rangeEnd\":\"AA==\"}");
    post("range int64 not a number", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":\"x\"}");
    post("range int64 as bool", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":true}");
    post("range bytes as number", "/v3/kv/range", "{\"key\":1}");
    post("range unknown enum", "/v3/kv/range", "{\"key\":\"Zm9v\",\"sort_order\":\"UP\"}");
    post("range escaped key", "/v3/kv/range", "{\"key\":\"Zm9\\u0076\"}");
    post("range int64 empty string", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":\"\"}");
    post("range int64 two values", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":\"1 2\"}");
    post("range int64 fraction", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":1.5}");
    post("range int64 overflow", "/v3/kv/range", "{\"key\":\"Zm9v\",\"limit\":99999999999999999999}");
    post("range bool as string", "/v3/kv/range", "{\"key\":\"Zm9v\",\"keys_only\":\"true\"}");
    post("range enum quoted number", "/v3/kv/range", "{\"key\":\"Zm9v\",\"sort_order\":\"1\"}");
    post("range enum as bool", "/v3/kv/range", "{\"key\":\"Zm9v\",\"sort_order\":true}");
    post("txn compare not array", "/v3/kv/txn", "{\"compare\":{}}");
    post("txn op not object", "/v3/kv/txn", "{\"success\":[1]}");
    post("auth user name number", "/v3/auth/user/get", "{\"name\":5}");
    post("member remove uint64 negative", "/v3/cluster/member/remove", "{\"ID\":-1}");
    post("range trailing garbage", "/v3/kv/range", "{\"key\":\"Zm9v\"} garbage");
    send("range GET", "GET", "/v3/kv/range", "", 0);
    send("range PUT", "PUT", "/v3/kv/range", "{}", 0);
    send("OPTIONS", "OPTIONS", "/v3/kv/range", "", 0);
    post("unknown path", "/v3/kv/nope", "{}");
    send("subtree root GET", "GET", "/v3/", "", 0);
    send("range HEAD", "HEAD", "/v3/kv/range", "", 0);
    post("hashkv path", "/v3/maintenance/hashkv", "{}");
    post("v3alpha range", "/v3alpha/kv/range", "{}");
    post("v3 without slash", "/v3", "{}");
    send("v3 without slash GET", "GET", "/v3?a=b", "", 0);
    post("v3beta without slash", "/v3beta", "{}");
    post("v3beta range", "/v3beta/kv/range", "{\"key\":\"Zm9v\"}");
    post("query ignored", "/v3/kv/range?key=Zm9v", "{}");
    post("deleterange prev_kv", "/v3/kv/deleterange", "{\"key\":\"Zm9v\",\"prev_kv\":true}");
    post("deleterange missing", "/v3/kv/deleterange", "{\"key\":\"Zm9v\"}");
    post("txn nested", "/v3/kv/txn", "{\"compare\":[{\"key\":\"bWlzc2luZw==\",\"target\":"
        + "\"VERSION\",\"result\":\"EQUAL\",\"version\":0}],\"success\":[{\"request_put\":"
        + "{\"key\":\"dDE=\",\"value\":\"MQ==\"}},{\"request_range\":{\"key\":\"dDE=\"}},"
        + "{\"request_txn\":{\"success\":[{\"request_put\":{\"key\":\"dDI=\",\"value\":\"Mg==\"}}]}}]}");
    post("txn enums as numbers, failure", "/v3/kv/txn", "{\"compare\":[{\"key\":\"dDE=\","
        + "\"target\":1,\"result\":0,\"create_revision\":\"1\"}],\"failure\":[{\"request_delete_range\":"
        + "{\"key\":\"dDI=\",\"prev_kv\":true}}]}");
    post("txn duplicate key", "/v3/kv/txn", "{\"success\":[{\"request_put\":{\"key\":\"eA==\"}},"
        + "{\"request_put\":{\"key\":\"eA==\"}}]}");
    post("put string value with =", "/v3/kv/put", "{\"key\":\"PT0=\",\"value\":\"Jz08Pg==\"}");
    post("compaction", "/v3/kv/compaction", "{\"revision\":3}");
    post("range compacted", "/v3/kv/range", "{\"key\":\"Zm9v\",\"revision\":2}");
    post("compaction future", "/v3/kv/compaction", "{\"revision\":1000}");
  }

  private void leases() {
    post("lease grant", "/v3/lease/grant", "{\"TTL\":60,\"ID\":4660}");
    post("lease grant existing", "/v3/lease/grant", "{\"TTL\":100,\"ID\":4660}");
    post("put with lease", "/v3/kv/put", "{\"key\":\"bA==\",\"value\":\"dg==\",\"lease\":4660}");
    post("put with unknown lease", "/v3/kv/put", "{\"key\":\"bA==\",\"lease\":77}");
    post("lease timetolive keys", "/v3/lease/timetolive", "{\"ID\":4660,\"keys\":true}", "TTL");
    post("lease timetolive unknown", "/v3/lease/timetolive", "{\"ID\":999999}");
    post("kv lease timetolive", "/v3/kv/lease/timetolive", "{\"ID\":999999}");
    post("lease leases", "/v3/lease/leases", "{}");
    post("kv lease leases", "/v3/kv/lease/leases", "{}");
    send("lease keepalive unknown", "POST", "/v3/lease/keepalive", "{\"ID\":999999}", 1);
    send("lease keepalive", "POST", "/v3/lease/keepalive", "{\"ID\":4660}", 1);
    send("lease keepalive to its end", "POST", "/v3/lease/keepalive",
        "{\"ID\":4660}\n{\"ID\":999999}", Integer.MAX_VALUE, "TTL");
    post("lease revoke", "/v3/lease/revoke", "{\"ID\":4660}");
    post("kv lease revoke unknown", "/v3/kv/lease/revoke", "{\"ID\":4660}");
    post("lease grant negative ttl", "/v3/lease/grant", "{\"TTL\":-1}", "ID");
  }

  private void watches() {
    post("put w1", "/v3/kv/put", "{\"key\":\"dy8x\",\"value\":\"MQ==\"}");
    post("put w2", "/v3/kv/put", "{\"key\":\"dy8y\",\"value\":\"Mg==\"}");
    send("watch create and progress", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"eA==\"}}\n{\"progress_request\":{}}\n", 2);
    send("watch requests in one body", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"eA==\",\"watch_id\":7}}\n"
            + "{\"create_request\":{\"key\":\"eQ==\",\"watch_id\":7}}\n"
            + "{\"create_request\":{\"key\":\"eg==\",\"range_end\":\"YQ==\"}}\n"
            + "{\"cancel_request\":{\"watch_id\":7}}\n", 4);
    send("watch replay", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"dy8=\",\"range_end\":\"dy8w\",\"start_revision\":2,"
            + "\"prev_kv\":true}}", 2);
    send("watch replay from w1", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"dy8=\",\"range_end\":\"dy8w\",\"start_revision\":10,"
            + "\"prev_kv\":true}}", 2);
    send("watch first line bad", "POST", "/v3/watch", "{\"create_request\":{\"key\":\"!\"}}", 1);
    send("lease keepalive bad json", "POST", "/v3/lease/keepalive", "{bad", Integer.MAX_VALUE);
    send("observe bad json", "POST", "/v3/election/observe", "{bad", Integer.MAX_VALUE);
    send("snapshot bad base64 ignored", "POST", "/v3/maintenance/snapshot", "[]",
        Integer.MAX_VALUE);
    send("watch compacted", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"Zm9v\",\"start_revision\":2}}", 2);
    send("watch bad json after create", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"eA==\"}}\n{bad\n", 1);
    send("watch filters enum", "POST", "/v3/watch",
        "{\"create_request\":{\"key\":\"eA==\",\"filters\":[\"NODELETE\"]}}", 1);
  }

  private void clusterAndMaintenance() {
    post("member list", "/v3/cluster/member/list", "{}", "ID", "name");
    post("member update unknown", "/v3/cluster/member/update",
        "{\"ID\":1,\"peerURLs\":[\"http://127.0.0.1:1\"]}");
    post("member remove unknown", "/v3/cluster/member/remove", "{\"ID\":1}");
    post("member promote unknown", "/v3/cluster/member/promote", "{\"ID\":1}");
    post("member add bad url", "/v3/cluster/member/add", "{\"peerURLs\":[\"::\"]}");
    post("status", "/v3/maintenance/status", "{}", "version", "dbSize", "leader", "raftIndex",
        "raftTerm", "raftAppliedIndex", "dbSizeInUse");
    post("alarm get", "/v3/maintenance/alarm", "{\"action\":\"GET\"}");
    post("alarm deactivate none", "/v3/maintenance/alarm",
        "{\"action\":\"DEACTIVATE\",\"alarm\":\"NOSPACE\"}");
    post("defragment", "/v3/maintenance/defragment", "{}");
    post("hash", "/v3/maintenance/hash", "{}", "hash");
    post("hash ignores revision", "/v3/maintenance/hash", "{\"revision\":1}", "hash");
    send("snapshot", "POST", "/v3/maintenance/snapshot", "{}", 1, "blob", "remaining_bytes");
    post("transfer leadership unknown", "/v3/maintenance/transfer-leadership",
        "{\"targetID\":\"1\"}");
  }

  private void electionsAndLocks() {
    post("lease for election", "/v3/lease/grant", "{\"TTL\":60,\"ID\":30583}");
    post("campaign", "/v3/election/campaign",
        "{\"name\":\"ZQ==\",\"lease\":30583,\"value\":\"djE=\"}");
    post("leader", "/v3/election/leader", "{\"name\":\"ZQ==\"}");
    send("observe", "POST", "/v3/election/observe", "{\"name\":\"ZQ==\"}", 1);
    post("leader none", "/v3/election/leader", "{\"name\":\"bm9uZQ==\"}");
    post("proclaim", "/v3/election/proclaim", "{\"leader\":{\"name\":\"ZQ==\","
        + "\"key\":\"ZS83NzM3\",\"rev\":0,\"lease\":30583},\"value\":\"djI=\"}");
    post("resign", "/v3/election/resign", "{\"leader\":{\"name\":\"ZQ==\","
        + "\"key\":\"ZS83NzM3\",\"lease\":30583}}");
    post("lock", "/v3/lock/lock", "{\"name\":\"bA==\",\"lease\":30583}");
    post("unlock", "/v3/lock/unlock", "{\"key\":\"bC83NzM3\"}");
    post("lock unknown lease", "/v3/lock/lock", "{\"name\":\"bA==\",\"lease\":1}");
    post("lease revoke election", "/v3/lease/revoke", "{\"ID\":30583}");
  }

  private void auth() {
    post("user add root", "/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"pw\"}");
    post("user add dup", "/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"pw\"}");
    post("role add root", "/v3/auth/role/add", "{\"name\":\"root\"}");
    post("role add reader", "/v3/auth/role/add", "{\"name\":\"reader\"}");
    post("role grant", "/v3/auth/role/grant", "{\"name\":\"reader\",\"perm\":{\"permType\":"
        + "\"READ\",\"key\":\"YQ==\",\"range_end\":\"Yg==\"}}");
    post("role get", "/v3/auth/role/get", "{\"role\":\"reader\"}");
    post("role list", "/v3/auth/role/list", "{}");
    post("user grant", "/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    post("user get", "/v3/auth/user/get", "{\"name\":\"root\"}");
    post("user list", "/v3/auth/user/list", "{}");
    post("user changepw", "/v3/auth/user/changepw", "{\"name\":\"root\",\"password\":\"pw\"}");
    post("user add u", "/v3/auth/user/add", "{\"name\":\"u\",\"password\":\"p\"}");
    post("user revoke missing", "/v3/auth/user/revoke", "{\"name\":\"u\",\"role\":\"reader\"}");
    post("role revoke missing", "/v3/auth/role/revoke", "{\"role\":\"reader\",\"key\":\"eg==\"}");
    post("user add odd name", "/v3/auth/user/add", "{\"name\":\"a=b'<&>\\u0008\",\"password\":\"p\"}");
    post("user list odd name", "/v3/auth/user/list", "{}");
    post("user delete odd name", "/v3/auth/user/delete", "{\"name\":\"a=b'<&>\\u0008\"}");
    post("user delete", "/v3/auth/user/delete", "{\"name\":\"u\"}");
    post("role delete", "/v3/auth/role/delete", "{\"role\":\"reader\"}");
    post("auth enable", "/v3/auth/enable", "{}");
    post("range without token", "/v3/kv/range", "{\"key\":\"Zm9v\"}");
    post("authenticate wrong password", "/v3/auth/authenticate",
        "{\"name\":\"root\",\"password\":\"x\"}");
    Exchange realAuth = exchange(real.clientUrls().get(0), "POST", "/v3/auth/authenticate",
        "{\"name\":\"root\",\"password\":\"pw\"}", 0, "");
    Exchange fakeAuth = exchange(fakeUrl, "POST", "/v3/auth/authenticate",
        "{\"name\":\"root\",\"password\":\"pw\"}", 0, "");
    compare("authenticate", realAuth, fakeAuth, List.of());
    realToken = realAuth.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    fakeToken = fakeAuth.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    post("range with token", "/v3/kv/range", "{\"key\":\"Zm9v\"}");
    send("watch with token", "POST", "/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\"}}", 1);
    String good = realToken;
    String goodFake = fakeToken;
    realToken = "bad";
    fakeToken = "bad";
    post("range with bad token", "/v3/kv/range", "{\"key\":\"Zm9v\"}");
    send("snapshot with bad token", "POST", "/v3/maintenance/snapshot", "{}", Integer.MAX_VALUE);
    send("watch with bad token", "POST", "/v3/watch", "{\"create_request\":{\"key\":\"Zm9v\"}}",
        1);
    realToken = good;
    fakeToken = goodFake;
    post("auth disable", "/v3/auth/disable", "{}");
  }

  private void post(String name, String path, String body, String... masks) {
    send(name, "POST", path, body, 0, masks);
  }

  /** Sends to both; {@code lines} 0 reads a whole reply, more reads that many stream lines. */
  private void send(String name, String method, String path, String body, int lines,
      String... masks) {
    compare(name, exchange(real.clientUrls().get(0), method, path, body, lines, realToken),
        exchange(fakeUrl, method, path, body, lines, fakeToken), List.of(masks));
  }

  private void compare(String name, Exchange expected, Exchange actual, List<String> masks) {
    String real = expected.normalized(masks);
    String fake = actual.normalized(masks);
    if (real.equals(fake)) {
      agreeing++;
    } else {
      differences.put(name, "real: " + real + "\nfake: " + fake);
    }
  }

  /** What came back: status, header names (but Date), and body (or its first lines). */
  private record Exchange(int status, String headers, String body) {
    String normalized(List<String> masks) {
      String text = body;
      List<String> fields = new ArrayList<>(IDENTITY);
      fields.addAll(masks);
      for (String field : fields) {
        text = text.replaceAll("\"" + Pattern.quote(field) + "\":(\"[^\"]*\"|-?\\d+)",
            Matcher.quoteReplacement("\"" + field + "\":*"));
      }
      text = URL.matcher(text).replaceAll("http://127.0.0.1:*");
      return status + " " + headers + " " + text;
    }
  }

  /** The headers' names and the content type; Date and the framing's length vary. */
  private static String headers(HttpResponse<?> response) {
    TreeSet<String> names = new TreeSet<>();
    response.headers().map().keySet().forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
    names.removeAll(List.of("date", "content-length"));
    return names + " " + response.headers().firstValue("Content-Type").orElse("");
  }

  private static Exchange exchange(URI base, String method, String path, String body, int lines,
      String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body.isEmpty() && !method.equals("POST")
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (!token.isEmpty()) {
      request.header("Authorization", token);
    }
    try {
      if (lines == 0) {
        HttpResponse<String> response = HTTP.send(request.build(),
            HttpResponse.BodyHandlers.ofString());
        return new Exchange(response.statusCode(), headers(response), response.body());
      }
      HttpResponse<Stream<String>> response = HTTP.sendAsync(request.build(),
          HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
      try (Stream<String> stream = response.body()) {
        Iterator<String> it = stream.iterator();
        List<String> read = new ArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
          while (read.size() < lines && it.hasNext()) {
            String line = it.next();
            synchronized (read) {
              read.add(line);
            }
          }
        });
        try {
          reading.get(STREAM_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          reading.cancel(true);
        }
        synchronized (read) {
          return new Exchange(response.statusCode(), headers(response), String.join("\n", read));
        }
      }
    } catch (IOException | ExecutionException | TimeoutException e) {
      return new Exchange(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
