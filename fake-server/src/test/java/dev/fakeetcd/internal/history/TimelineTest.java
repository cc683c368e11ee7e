package dev.fakeetcd.internal.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.history.Operation.Outcome;
import dev.fakeetcd.internal.history.WatchStream.StreamMessage;
import dev.fakeetcd.internal.sim.Trace;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimelineTest {

  private static final long A = 0xa1;
  private static final long B = 0xb2;
  private static final String PUT = "etcdserverpb.KV/Put";
  private static final String RANGE = "etcdserverpb.KV/Range";

  @Test
  void html_hostileKeyAndViolation_areTextNotMarkup() {
    PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("</script><b>x"))
        .setValue(ByteString.copyFromUtf8("&<'\"")).build();
    HistoryLog log = log(List.of(op(0, A, PUT, put, 0, 0, 1, 0, Outcome.OK)));

    String html = Timeline.html(log, events(), Optional.of("</pre><script>alert(1)</script>"),
        Set.of(0));

    // The page's own two scripts close; nothing from the run opens or closes an element.
    assertThat(html.split("</script>", -1)).hasSize(3);
    assertThat(html).doesNotContain("<b>").doesNotContain("alert(1)</script>")
        .contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(opsOf(html).get(0).getAsJsonObject().get("req").getAsString())
        .isEqualTo("key=\"</script><b>x\" value=\"&<'\\\"\"");
  }

  @Test
  void html_violationText_highlightsTheOperationsItNames() {
    HistoryLog log = log(List.of(op(0, A, PUT, put("k"), 0, 0, 1, 0, Outcome.OK),
        op(1, B, PUT, put("j"), 2, 0, 3, 0, Outcome.OK),
        op(2, A, RANGE, RangeRequest.getDefaultInstance(), 4, 0, 5, 0, Outcome.OK)));
    String violation = "cannot be ordered:\n  KV/Put #1 on member b2 (seq 0..?, 0.000000000 s)"
        + " {key: \"j\"}\nsee also KV/Range #2 on member a1 (seq 4..5, 0.000000000 s); seq #3";

    JsonObject data = dataOf(Timeline.html(log, events(), Optional.of(violation)));

    List<Integer> highlighted = new ArrayList<>();
    data.getAsJsonArray("ops").forEach(op -> {
      if (op.getAsJsonObject().has("hl")) {
        highlighted.add(op.getAsJsonObject().get("id").getAsInt());
      }
    });
    assertThat(highlighted).containsExactly(1, 2);
    assertThat(data.get("violation").getAsString()).isEqualTo(violation);
  }

  @Test
  void html_ofAnyRun_referencesNoUrl() {
    String html = Timeline.html(sampleLog(), events());

    assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain(" src=")
        .doesNotContain("href=").doesNotContain("@import");
  }

  @Test
  void html_sameRunTwice_isTheSamePage() {
    assertThat(Timeline.html(sampleLog(), events()))
        .isEqualTo(Timeline.html(sampleLog(), events()));
  }

  @Test
  void render_nonUtf8OrControlBytes_asHex() {
    PutRequest put = PutRequest.newBuilder()
        .setKey(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x00, 0x41}))
        .setValue(ByteString.copyFromUtf8("a\nb")).setLease(7).build();

    assertThat(Timeline.render(put)).isEqualTo("key=0xff0041 value=0x610a62 lease=7");
  }

  @Test
  void render_responseHeader_asItsRevision() {
    PutResponse response = PutResponse.newBuilder().setHeader(
        ResponseHeader.newBuilder().setClusterId(9).setMemberId(8).setRevision(5).setRaftTerm(2))
        .build();

    assertThat(Timeline.render(response)).isEqualTo("header=5");
  }

  @Test
  void html_traceEventsAtAnInstant_standBeforeClientRecordsOfThatInstant() {
    List<Trace.Event> events = List.of(
        new Trace.Event(0, 0, Trace.Type.LEADER, A, "a(a1)", "x", "LEADER leader a(a1) term 2"),
        new Trace.Event(1, 5, Trace.Type.FAULT, B, "b(b2)", "x", "isolate"));
    HistoryLog log = log(List.of(op(0, A, PUT, put("k"), 0, 5, 1, 5, Outcome.OK)));

    JsonObject data = dataOf(Timeline.html(log, events));

    assertThat(data.getAsJsonArray("steps").toString()).isEqualTo("[0,5,5,5]");
    JsonObject bar = data.getAsJsonArray("ops").get(0).getAsJsonObject();
    assertThat(bar.get("s0").getAsInt()).isEqualTo(2);
    assertThat(bar.get("s1").getAsInt()).isEqualTo(3);
  }

  @Test
  void html_unknownOperation_runsToTheEnd() {
    HistoryLog log = log(List.of(
        op(0, A, PUT, put("k"), 0, 0, Long.MAX_VALUE, Long.MAX_VALUE, Outcome.UNKNOWN),
        op(1, B, RANGE, RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build(),
            1, 3, 2, 7, Outcome.OK)));

    JsonObject data = dataOf(Timeline.html(log, List.of()));

    JsonObject unknown = data.getAsJsonArray("ops").get(0).getAsJsonObject();
    assertThat(unknown.get("s1").getAsInt()).isEqualTo(data.get("end").getAsInt()).isEqualTo(3);
    assertThat(unknown.get("t1").getAsLong()).isEqualTo(7);
    assertThat(unknown.get("outcome").getAsString()).isEqualTo("unknown");
  }

  @Test
  void html_isolateUntilHealAndCrashUntilRestart_areFaultIntervals() {
    List<Trace.Event> events = List.of(
        new Trace.Event(0, 0, Trace.Type.LEADER, A, "a(a1)", "x", "LEADER leader a(a1) term 2"),
        new Trace.Event(1, 1, Trace.Type.FAULT, B, "b(b2)", "x", "isolate"),
        new Trace.Event(2, 2, Trace.Type.FAULT, A, "a(a1)", "x", "crash"),
        new Trace.Event(3, 3, Trace.Type.FAULT, 0, "-", "x", "heal"),
        new Trace.Event(4, 4, Trace.Type.FAULT, A, "a(a1)", "x", "restart"));

    JsonObject data = dataOf(Timeline.html(log(List.of()), events));

    assertThat(data.getAsJsonArray("faults").toString()).isEqualTo(
        "[{\"m\":1,\"kind\":\"isolate\",\"text\":\"isolate\",\"s0\":1,\"t0\":1,\"s1\":3,\"t1\":3},"
        + "{\"m\":0,\"kind\":\"crash\",\"text\":\"crash\",\"s0\":2,\"t0\":2,\"s1\":4,\"t1\":4}]");
    assertThat(data.getAsJsonArray("spans").toString()).contains(
        "{\"m\":0,\"role\":\"down\",\"term\":2,\"s0\":2,\"t0\":2,\"s1\":4,\"t1\":4}");
  }

  @Test
  void html_moreOperationsThanTheCap_drawsTheFirstAndSaysSo() {
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i <= Timeline.MAX_OPS; i++) {
      ops.add(op(i, A, PUT, put("k"), 2L * i, i, 2L * i + 1, i, Outcome.OK));
    }

    JsonObject data = dataOf(Timeline.html(log(ops), List.of()));

    assertThat(data.getAsJsonArray("ops")).hasSize(Timeline.MAX_OPS);
    assertThat(data.getAsJsonArray("notes").get(0).getAsString())
        .isEqualTo("only the first 20000 of 20001 operations are drawn");
  }

  private static HistoryLog sampleLog() {
    WatchResponse created = WatchResponse.newBuilder().setCreated(true).build();
    WatchResponse event = WatchResponse.newBuilder().addEvents(Event.newBuilder()
        .setKv(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("k")).setModRevision(2)))
        .build();
    WatchStream watch = new WatchStream(0, B, 0, Long.MAX_VALUE, List.of(
        new StreamMessage(1, 0, false, created), new StreamMessage(4, 2, false, event)));
    return new HistoryLog(42, List.of(
        op(0, A, PUT, put("k"), 2, 1, 3, 2, Outcome.OK),
        op(1, B, PUT, put("j"), 5, 3, 6, 4, Outcome.ERROR)), List.of(watch), false);
  }

  private static List<Trace.Event> events() {
    return List.of(
        new Trace.Event(0, 0, Trace.Type.LEADER, A, "a(a1)", "x", "LEADER leader a(a1) term 2"),
        new Trace.Event(1, 0, Trace.Type.LEADER, B, "b(b2)", "x",
            "FOLLOWER leader a(a1) term 2"));
  }

  private static HistoryLog log(List<Operation> ops) {
    return new HistoryLog(42, ops, List.of(), false);
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
  }

  private static Operation op(int id, long member, String method,
      com.google.protobuf.Message request, long invokeSeq, long invokeNanos, long completeSeq,
      long completeNanos, Outcome outcome) {
    return new Operation(id, member, method, request, invokeSeq, invokeNanos, completeSeq,
        completeNanos, outcome, outcome == Outcome.OK ? PutResponse.getDefaultInstance() : null,
        outcome == Outcome.ERROR ? Status.Code.UNAVAILABLE : null,
        outcome == Outcome.ERROR ? "etcdserver: request timed out" : null);
  }

  private static JsonObject dataOf(String html) {
    String open = "<script type=\"application/json\" id=\"timeline-data\">";
    int from = html.indexOf(open) + open.length();
    JsonElement data = JsonParser.parseString(html.substring(from, html.indexOf("</script>", from)));
    return data.getAsJsonObject();
  }

  private static JsonArray opsOf(String html) {
    return dataOf(html).getAsJsonArray("ops");
  }
}
