package dev.fakeetcd.internal.history;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.fakeetcd.internal.history.Operation.Outcome;
import dev.fakeetcd.internal.history.WatchStream.StreamMessage;
import dev.fakeetcd.internal.sim.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run drawn as one self-contained HTML page: a lane per member (role and term, crashes, pauses,
 * isolation), the network's faults, each operation as a bar from invocation to completion coloured
 * by outcome, watch responses as ticks, and the operations a violation names highlighted.
 *
 * <p>The page embeds its data as JSON and draws it with inline script into inline SVG: nothing is
 * fetched. Every string from a run (keys, values, errors, the violation) reaches the page through
 * JSON, which Gson writes with {@code <}, {@code >} and {@code &} escaped, and the script sets it as
 * text, never as markup.
 *
 * <p>Two x axes, toggled on the page. "Sequence" (the default) gives every drawn point its own step
 * in the history's global order, so operations that overlap at one virtual instant are still told
 * apart; trace events have an order of their own, so they stand at the start of their virtual
 * instant, before the client records of that instant. "Virtual time" is proportional to the
 * cluster's clock, where everything at one instant collapses to a sliver.
 */
public final class Timeline {

  /** Operations drawn at most; the rest are counted in a note. */
  static final int MAX_OPS = 20_000;
  /** Watch responses drawn at most. */
  static final int MAX_WATCH_MARKS = 20_000;
  /** Characters of a rendered request, response or error kept. */
  private static final int MAX_TEXT = 300;
  /** Bytes of a key or value rendered. */
  private static final int MAX_BYTES = 64;
  /** The trace events that shape a member's lane; the rest is routine Raft traffic. */
  private static final Set<Trace.Type> LANE_TYPES = EnumSet.of(Trace.Type.ELECTION,
      Trace.Type.TERM, Trace.Type.LEADER, Trace.Type.FAULT, Trace.Type.MEMBERSHIP);
  private static final String CLIENT_LINKS = "client links: ";
  /** An operation as a violation names it; a bare {@code #n} elsewhere is a sequence number. */
  private static final Pattern NAMED_OPERATION = Pattern.compile("#(\\d{1,9}) on member ");

  private Timeline() {
  }

  /** The page for a run without a violation. */
  public static String html(HistoryLog log, List<Trace.Event> traceEvents) {
    return html(log, traceEvents, Optional.empty(), Set.of());
  }

  /**
   * The page for a run, with {@code violation} shown above the lanes and the operations it names
   * highlighted: the checks name an operation {@code #<id> on member <hex>}.
   */
  public static String html(HistoryLog log, List<Trace.Event> traceEvents,
      Optional<String> violation) {
    Set<Integer> named = new HashSet<>();
    violation.ifPresent(v -> {
      Matcher m = NAMED_OPERATION.matcher(v);
      while (m.find()) {
        named.add(Integer.parseInt(m.group(1)));
      }
    });
    return html(log, traceEvents, violation, named);
  }

  /**
   * The page for a run, with {@code violation} shown above the lanes and the operations whose
   * {@link Operation#id()} is in {@code highlighted} marked on them.
   */
  public static String html(HistoryLog log, List<Trace.Event> traceEvents,
      Optional<String> violation, Set<Integer> highlighted) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(traceEvents, "traceEvents");
    Objects.requireNonNull(violation, "violation");
    Objects.requireNonNull(highlighted, "highlighted");
    String json = new Gson().toJson(new Builder(log, traceEvents, violation, highlighted).build());
    String title = "fake-etcd timeline, seed " + log.seed();
    String shown = violation.map(v -> "<pre id=\"violation\" class=\"violation-text\">"
        + escapeHtml(v) + "</pre>").orElse("");
    // One pass over the page, so that no run's text is ever taken for a placeholder.
    String page = template();
    int t = page.indexOf("@TITLE@");
    int v = page.indexOf("@VIOLATION@");
    int d = page.indexOf("@DATA@");
    return page.substring(0, t) + escapeHtml(title) + page.substring(t + 7, v) + shown
        + page.substring(v + 11, d) + json + page.substring(d + 6);
  }

  /** Lays out a run: the steps of the sequence axis, the lanes' spans and the bars. */
  private static final class Builder {
    private final HistoryLog log;
    private final List<Trace.Event> events;
    /** Whether the trace's ring had already dropped its first events. */
    private final boolean traceCut;
    private final Optional<String> violation;
    private final Set<Integer> highlighted;
    /** Member ID to lane index, in order of first appearance. */
    private final Map<Long, Integer> lanes = new LinkedHashMap<>();
    private final Map<Long, String> labels = new HashMap<>();
    private final JsonArray steps = new JsonArray();
    private final JsonArray spans = new JsonArray();
    private final JsonArray faults = new JsonArray();
    private final JsonArray marks = new JsonArray();
    private final JsonArray ops = new JsonArray();
    private final JsonArray watches = new JsonArray();
    private final JsonArray notes = new JsonArray();
    /** Per member: the role span in progress. */
    private final Map<Long, JsonObject> roles = new HashMap<>();
    /** Open fault intervals by what ends them: member and kind, or 0 and kind for the network. */
    private final Map<String, JsonObject> open = new LinkedHashMap<>();
    private long endNanos;

    Builder(HistoryLog log, List<Trace.Event> events, Optional<String> violation,
        Set<Integer> highlighted) {
      this.log = log;
      this.traceCut = !events.isEmpty() && events.get(0).seq() > 0;
      this.events = events.stream().filter(e -> LANE_TYPES.contains(e.type())).toList();
      this.violation = violation;
      this.highlighted = highlighted;
    }

    JsonObject build() {
      for (Trace.Event e : events) {
        lane(e.member(), e.who());
        endNanos = Math.max(endNanos, e.nanos());
      }
      List<Operation> drawnOps = log.operations().subList(0,
          Math.min(MAX_OPS, log.operations().size()));
      List<Point> points = new ArrayList<>();
      for (Operation op : drawnOps) {
        lane(op.member(), null);
        points.add(new Point(op.invokeSeq(), op.invokeNanos(), op, true, null));
        if (op.outcome() != Outcome.UNKNOWN) {
          points.add(new Point(op.completeSeq(), op.completeNanos(), op, false, null));
        }
      }
      int watchMarks = 0;
      int watchResponses = 0;
      for (WatchStream w : log.watches()) {
        lane(w.member(), null);
        for (StreamMessage m : w.messages()) {
          if (!m.fromClient()) {
            watchResponses++;
            if (watchMarks < MAX_WATCH_MARKS) {
              watchMarks++;
              points.add(new Point(m.seq(), m.nanos(), null, false,
                  new WatchMark(w, m)));
            }
          }
        }
      }
      points.sort(Comparator.comparingLong(Point::seq));
      for (Point p : points) {
        endNanos = Math.max(endNanos, p.nanos());
      }

      Map<Integer, JsonObject> opBars = new HashMap<>();
      Iterator<Trace.Event> traced = events.iterator();
      Trace.Event nextEvent = traced.hasNext() ? traced.next() : null;
      for (Point p : points) {
        while (nextEvent != null && nextEvent.nanos() <= p.nanos()) {
          traceStep(nextEvent);
          nextEvent = traced.hasNext() ? traced.next() : null;
        }
        int step = step(p.nanos());
        if (p.watch() != null) {
          watches.add(watchMark(p.watch(), step));
        } else if (p.invoke()) {
          JsonObject bar = opBar(p.op(), step);
          opBars.put(p.op().id(), bar);
          ops.add(bar);
        } else {
          JsonObject bar = opBars.get(p.op().id());
          bar.addProperty("s1", step);
          bar.addProperty("t1", p.nanos());
        }
      }
      while (nextEvent != null) {
        traceStep(nextEvent);
        nextEvent = traced.hasNext() ? traced.next() : null;
      }
      int end = steps.size();
      for (JsonObject span : roles.values()) {
        close(span, end, endNanos);
      }
      for (JsonObject fault : open.values()) {
        close(fault, end, endNanos);
      }
      for (JsonObject bar : opBars.values()) {
        if (!bar.has("s1")) {
          close(bar, end, endNanos);
        }
      }

      if (log.operations().size() > drawnOps.size()) {
        notes.add("only the first " + drawnOps.size() + " of " + log.operations().size()
            + " operations are drawn");
      }
      if (watchResponses > watchMarks) {
        notes.add("only the first " + watchMarks + " of " + watchResponses
            + " watch responses are drawn");
      }
      if (log.truncated()) {
        notes.add("the history was truncated: the recorder reached its bound and stopped");
      }
      if (traceCut && !events.isEmpty()) {
        notes.add("the trace retained only its events from " + seconds(events.get(0).nanos())
            + "; roles before then are not known");
      }

      JsonObject data = new JsonObject();
      data.addProperty("seed", Long.toString(log.seed()));
      violation.ifPresent(v -> data.addProperty("violation", v));
      data.addProperty("end", end);
      data.addProperty("endNanos", endNanos);
      JsonArray members = new JsonArray();
      for (long id : lanes.keySet()) {
        JsonObject m = new JsonObject();
        m.addProperty("id", Long.toUnsignedString(id, 16));
        m.addProperty("label", labels.getOrDefault(id, Trace.label(null, id)));
        members.add(m);
      }
      data.add("members", members);
      data.add("steps", steps);
      data.add("spans", spans);
      data.add("faults", faults);
      data.add("marks", marks);
      data.add("ops", ops);
      data.add("watches", watches);
      data.add("notes", notes);
      return data;
    }

    private void lane(long member, String who) {
      if (member == 0) {
        return;
      }
      lanes.putIfAbsent(member, lanes.size());
      if (who != null) {
        labels.putIfAbsent(member, who);
      }
    }

    /** A new step of the sequence axis, at virtual time {@code nanos}. */
    private int step(long nanos) {
      steps.add(nanos);
      return steps.size() - 1;
    }

    private void traceStep(Trace.Event e) {
      int step = step(e.nanos());
      long m = e.member();
      String detail = e.detail();
      switch (e.type()) {
        case LEADER, ELECTION -> {
          // "LEADER leader a(1) term 2", "FOLLOWER no leader term 2", "CANDIDATE term 3"
          String role = detail.substring(0, detail.indexOf(' ')).toLowerCase(Locale.ROOT);
          role(m, role, lastWord(detail), step, e.nanos());
        }
        case TERM -> {
          JsonObject now = roles.get(m);
          role(m, now == null ? "follower" : now.get("role").getAsString(), lastWord(detail),
              step, e.nanos());
        }
        case MEMBERSHIP -> {
          if (detail.equals("start empty")) {
            role(m, "follower", term(m), step, e.nanos());
          } else if (detail.equals("added, not started")) {
            role(m, "not-started", term(m), step, e.nanos());
          } else {
            mark(m, "membership", detail, step, e.nanos());
          }
        }
        case FAULT -> fault(e, step);
        default -> throw new AssertionError(e.type());
      }
    }

    private void fault(Trace.Event e, int step) {
      long m = e.member();
      String detail = e.detail();
      switch (detail) {
        case "crash" -> {
          role(m, "down", term(m), step, e.nanos());
          openFault(m, "crash", detail, step, e.nanos());
        }
        case "restart" -> {
          closeFault(m + "/crash", step, e.nanos());
          role(m, "follower", term(m), step, e.nanos());
        }
        case "removed" -> role(m, "removed", term(m), step, e.nanos());
        case "pause" -> openFault(m, "pause", detail, step, e.nanos());
        case "resume" -> closeFault(m + "/pause", step, e.nanos());
        case "isolate" -> openFault(m, "isolate", detail, step, e.nanos());
        case "heal" -> {
          // Heal ends every network fault, isolations included; crashes, pauses and client
          // link faults are not the network's.
          for (Iterator<Map.Entry<String, JsonObject>> it = open.entrySet().iterator();
              it.hasNext(); ) {
            JsonObject f = it.next().getValue();
            String kind = f.get("kind").getAsString();
            if (kind.equals("network") || kind.equals("isolate")) {
              close(f, step, e.nanos());
              it.remove();
            }
          }
          mark(m, "heal", detail, step, e.nanos());
        }
        default -> {
          if (m == 0 && detail.startsWith("release ") && !detail.startsWith("release one ")) {
            closeFault("0/network/hold " + detail.substring("release ".length()), step,
                e.nanos());
          } else if (m == 0 && !detail.startsWith("release one ")) {
            openFault(0, "network", detail, step, e.nanos());
          } else if (detail.equals(CLIENT_LINKS + "clear")) {
            closeFault(m + "/client-links", step, e.nanos());
          } else if (detail.startsWith(CLIENT_LINKS) && !detail.equals(CLIENT_LINKS + "drop")) {
            openFault(m, "client-links", detail, step, e.nanos());
          } else {
            mark(m, "fault", detail, step, e.nanos());
          }
        }
      }
    }

    private void role(long member, String role, long term, int step, long nanos) {
      JsonObject now = roles.get(member);
      if (now != null) {
        if (now.get("role").getAsString().equals(role) && now.get("term").getAsLong() == term) {
          return;
        }
        close(now, step, nanos);
      }
      JsonObject span = new JsonObject();
      span.addProperty("m", lanes.get(member));
      span.addProperty("role", role);
      span.addProperty("term", term);
      span.addProperty("s0", step);
      span.addProperty("t0", nanos);
      spans.add(span);
      roles.put(member, span);
    }

    private long term(long member) {
      JsonObject now = roles.get(member);
      return now == null ? 0 : now.get("term").getAsLong();
    }

    private void openFault(long member, String kind, String detail, int step, long nanos) {
      // A network fault is keyed by its whole text, so that a release finds its hold; a fault
      // repeated while in effect keeps its first start.
      String key = member + "/" + kind + (kind.equals("network") ? "/" + detail : "");
      if (open.containsKey(key)) {
        return;
      }
      JsonObject f = new JsonObject();
      f.addProperty("m", member == 0 ? -1 : lanes.get(member));
      f.addProperty("kind", kind);
      f.addProperty("text", detail);
      f.addProperty("s0", step);
      f.addProperty("t0", nanos);
      faults.add(f);
      open.put(key, f);
    }

    private void closeFault(String key, int step, long nanos) {
      JsonObject f = open.remove(key);
      if (f != null) {
        close(f, step, nanos);
      }
    }

    private void mark(long member, String kind, String detail, int step, long nanos) {
      JsonObject mark = new JsonObject();
      mark.addProperty("m", member == 0 ? -1 : lanes.get(member));
      mark.addProperty("kind", kind);
      mark.addProperty("text", detail);
      mark.addProperty("s", step);
      mark.addProperty("t", nanos);
      marks.add(mark);
    }

    private JsonObject opBar(Operation op, int step) {
      JsonObject bar = new JsonObject();
      bar.addProperty("id", op.id());
      bar.addProperty("m", lanes.get(op.member()));
      String method = op.method();
      bar.addProperty("method", method.substring(method.lastIndexOf('.', method.indexOf('/'))
          + 1));
      bar.addProperty("outcome", op.outcome().name().toLowerCase(Locale.ROOT));
      bar.addProperty("req", render(op.request()));
      if (op.response() != null) {
        bar.addProperty("resp", render(op.response()));
      }
      if (op.outcome() == Outcome.ERROR) {
        bar.addProperty("err", truncate(op.code() + (op.error() == null ? "" : ": " + op.error())));
      }
      if (highlighted.contains(op.id())) {
        bar.addProperty("hl", true);
      }
      bar.addProperty("s0", step);
      bar.addProperty("t0", op.invokeNanos());
      return bar;
    }

    private JsonObject watchMark(WatchMark w, int step) {
      JsonObject mark = new JsonObject();
      mark.addProperty("m", lanes.get(w.stream().member()));
      mark.addProperty("stream", w.stream().id());
      mark.addProperty("text", render(w.message().message()));
      mark.addProperty("s", step);
      mark.addProperty("t", w.message().nanos());
      return mark;
    }

    private static void close(JsonObject span, int step, long nanos) {
      span.addProperty("s1", step);
      span.addProperty("t1", nanos);
    }

    private static long lastWord(String detail) {
      return Long.parseLong(detail.substring(detail.lastIndexOf(' ') + 1));
    }
  }

  /** A client record that takes a step of the sequence axis. */
  private record Point(long seq, long nanos, Operation op, boolean invoke, WatchMark watch) {
  }

  private record WatchMark(WatchStream stream, StreamMessage message) {
  }

  /**
   * A message in a protobuf-text-like form with bytes as quoted text when they are printable UTF-8,
   * else as hex; a response header as its revision alone; cut at {@link #MAX_TEXT} characters.
   */
  static String render(Message message) {
    StringBuilder sb = new StringBuilder();
    appendFields(sb, message);
    return truncate(sb.toString());
  }

  private static void appendFields(StringBuilder sb, Message message) {
    String sep = "";
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (sb.length() > MAX_TEXT) {
        return;
      }
      FieldDescriptor fd = field.getKey();
      sb.append(sep).append(fd.getName()).append('=');
      sep = " ";
      if (fd.isRepeated()) {
        sb.append('[');
        String itemSep = "";
        for (Object item : (List<?>) field.getValue()) {
          if (sb.length() > MAX_TEXT) {
            break;
          }
          sb.append(itemSep);
          appendValue(sb, fd, item);
          itemSep = ", ";
        }
        sb.append(']');
      } else {
        appendValue(sb, fd, field.getValue());
      }
    }
  }

  private static void appendValue(StringBuilder sb, FieldDescriptor fd, Object value) {
    switch (fd.getJavaType()) {
      case BYTE_STRING -> appendBytes(sb, (ByteString) value);
      case STRING -> appendQuoted(sb, (String) value);
      case ENUM -> sb.append(((EnumValueDescriptor) value).getName());
      case MESSAGE -> {
        Message m = (Message) value;
        FieldDescriptor revision = m.getDescriptorForType().findFieldByName("revision");
        if (fd.getName().equals("header") && revision != null) {
          sb.append(m.getField(revision));
        } else {
          sb.append('{');
          appendFields(sb, m);
          sb.append('}');
        }
      }
      default -> sb.append(value);
    }
  }

  /** Printable UTF-8 as quoted text; anything else as hex, since it is not text. */
  static void appendBytes(StringBuilder sb, ByteString bytes) {
    ByteString shown = bytes.substring(0, Math.min(MAX_BYTES, bytes.size()));
    String more = shown.size() < bytes.size() ? "...(" + bytes.size() + " bytes)" : "";
    if (shown.isValidUtf8()) {
      String text = shown.toStringUtf8();
      if (text.codePoints().noneMatch(Character::isISOControl)) {
        appendQuoted(sb, text);
        sb.append(more);
        return;
      }
    }
    sb.append("0x");
    for (int i = 0; i < shown.size(); i++) {
      int b = shown.byteAt(i) & 0xff;
      sb.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    sb.append(more);
  }

  private static void appendQuoted(StringBuilder sb, String text) {
    sb.append('"');
    text.codePoints().forEach(c -> {
      if (c == '"' || c == '\\') {
        sb.append('\\').appendCodePoint(c);
      } else if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", c));
      } else {
        sb.appendCodePoint(c);
      }
    });
    sb.append('"');
  }

  private static String truncate(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%d.%09ds", nanos / 1_000_000_000L,
        nanos % 1_000_000_000L);
  }

  static String escapeHtml(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The page around the data: {@code timeline.html} next to this class. */
  private static String template() {
    try (InputStream in = Timeline.class.getResourceAsStream("timeline.html")) {
      if (in == null) {
        throw new IllegalStateException("timeline.html is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
