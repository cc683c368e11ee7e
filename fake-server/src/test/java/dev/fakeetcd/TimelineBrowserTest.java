package dev.fakeetcd;

import static dev.fakeetcd.testing.Requests.get;
import static dev.fakeetcd.testing.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.history.HistoryLog;
import dev.fakeetcd.internal.history.Operation;
import dev.fakeetcd.internal.history.Operation.Outcome;
import dev.fakeetcd.internal.history.Timeline;
import dev.fakeetcd.internal.history.WatchStream;
import dev.fakeetcd.internal.history.WatchStream.StreamMessage;
import io.grpc.StatusRuntimeException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeline of a real run, opened in a real headless browser (Chromium): the DOM its script
 * built has a lane per member, a bar per operation coloured by outcome, the fault shading and the
 * violation. Skipped where Chromium is not installed, except in CI ({@code CI=true}), which must
 * have it ({@code .ci/run} installs it).
 */
class TimelineBrowserTest {

  /** Bounds a browser that hangs; a healthy run takes a few seconds. */
  private static final long BROWSER_TIMEOUT_SECONDS = 60;
  private static Path chromium;

  private final Clusters clusters = new Clusters();
  private final List<Operation> ops = new ArrayList<>();
  private long seq;
  @TempDir
  Path dir;

  @BeforeAll
  static void findChromium() {
    chromium = findOnPath("chromium").or(() -> findOnPath("chromium-browser")).orElse(null);
    if (chromium == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("Chromium is missing in CI: install it with apt-get install -y chromium");
    }
    assumeTrue(chromium != null,
        "Chromium is not installed; to run this test: apt-get install -y chromium");
  }

  @AfterEach
  void close() {
    clusters.close();
  }

  @Test
  void timeline_ofARunWithAnIsolation_hasLanesBarsFaultsAndTheViolationInTheBrowser()
      throws Exception {
    EtcdCluster cluster = clusters.start(3, 7);
    Member leader = cluster.awaitLeader();
    Member follower = cluster.members().stream().filter(m -> m != leader).findFirst().get();
    KVGrpc.KVBlockingStub viaLeader = clusters.kv(cluster, leader);
    KVGrpc.KVBlockingStub viaFollower = clusters.kv(cluster, follower);
    call(cluster, leader, "etcdserverpb.KV/Put", put("</script><b>k", "v1"),
        () -> viaLeader.put(put("</script><b>k", "v1")));
    call(cluster, follower, "etcdserverpb.KV/Range", get("</script><b>k"),
        () -> viaFollower.range(get("</script><b>k")));
    cluster.network().isolate(follower);
    cluster.clock().advance(Duration.ofSeconds(2));
    call(cluster, leader, "etcdserverpb.KV/Put", put("a", "v2"),
        () -> viaLeader.put(put("a", "v2")));
    cluster.network().heal();
    cluster.clock().advance(Duration.ofSeconds(1));
    cluster.compact(3);
    RangeRequest compacted = get("a").toBuilder().setRevision(1).build();
    call(cluster, leader, "etcdserverpb.KV/Range", compacted, () -> viaLeader.range(compacted));
    // A call the member never answered, as a client that gave up leaves it.
    ops.add(new Operation(ops.size(), follower.id(), "etcdserverpb.KV/Put", put("a", "v3"),
        seq++, cluster.clock().nanos(), Long.MAX_VALUE, Long.MAX_VALUE, Outcome.UNKNOWN, null,
        null, null));
    WatchResponse event = WatchResponse.newBuilder().addEvents(Event.newBuilder().setKv(
        KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("a")).setModRevision(3))).build();
    WatchStream watch = new WatchStream(0, follower.id(), seq++, Long.MAX_VALUE, List.of(
        new StreamMessage(seq++, cluster.clock().nanos(), false, event)));
    HistoryLog log = new HistoryLog(cluster.seed(), ops, List.of(watch), false);
    Path file = dir.resolve("run.html");
    Files.writeString(file, Timeline.html(log, cluster.traceEvents(),
        Optional.of("put a=v2 </script> is not linearizable"), Set.of(2)));

    // Both axes: the default (sequence) and the one the toggle switches to.
    for (String axis : List.of("sequence", "virtual time")) {
      String dom = dumpDom(file.toUri() + (axis.equals("sequence") ? "" : "#virtual-time"));

      assertThat(dom).as(axis).contains("data-rendered=\"true\"").contains("x axis: " + axis);
      for (Member m : cluster.members()) {
        assertThat(count(dom, "<g class=\"lane\" id=\"lane-" + Long.toUnsignedString(m.id(), 16)
            + "\"")).as(m.name()).isEqualTo(1);
      }
      assertThat(count(dom, "<g class=\"lane\"")).isEqualTo(3);
      assertThat(count(dom, "class=\"op ok\"")).isEqualTo(2);
      assertThat(count(dom, "class=\"op ok violation\"")).isEqualTo(1);
      assertThat(count(dom, "class=\"op error\"")).isEqualTo(1);
      assertThat(count(dom, "class=\"op unknown\"")).isEqualTo(1);
      assertThat(count(dom, "class=\"fault fault-isolate\"")).isEqualTo(1);
      assertThat(count(dom, "class=\"role role-leader\"")).isGreaterThanOrEqualTo(1);
      assertThat(count(dom, "class=\"watch-event\"")).isEqualTo(1);
      assertThat(dom).contains("<pre id=\"violation\" class=\"violation-text\">put a=v2 "
          + "&lt;/script&gt; is not linearizable</pre>").doesNotContain("<b>k");
    }
  }

  /** Makes a real call and records it as the member's history would. */
  private void call(EtcdCluster cluster, Member member, String method, Message request,
      Supplier<Message> rpc) {
    long invokeSeq = seq++;
    long invokeNanos = cluster.clock().nanos();
    Message response = null;
    StatusRuntimeException error = null;
    try {
      response = rpc.get();
    } catch (StatusRuntimeException e) {
      error = e;
    }
    ops.add(new Operation(ops.size(), member.id(), method, request, invokeSeq, invokeNanos,
        seq++, cluster.clock().nanos(), error == null ? Outcome.OK : Outcome.ERROR, response,
        error == null ? null : error.getStatus().getCode(),
        error == null ? null : error.getStatus().getDescription()));
  }

  /** The page's DOM after its scripts ran, as Chromium serializes it. */
  private String dumpDom(String url) throws IOException, InterruptedException {
    Path out = dir.resolve("dom.html");
    Path err = dir.resolve("chromium.log");
    Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--user-data-dir=" + dir.resolve("profile"), "--dump-dom", url)
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!browser.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      browser.destroyForcibly().waitFor();
      fail("Chromium did not finish in " + BROWSER_TIMEOUT_SECONDS + " s: "
          + Files.readString(err, StandardCharsets.UTF_8));
    }
    String dom = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(browser.exitValue()).as("Chromium's exit; its log: %s",
        Files.readString(err, StandardCharsets.UTF_8)).isZero();
    return dom;
  }

  private static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static Optional<Path> findOnPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(d, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
