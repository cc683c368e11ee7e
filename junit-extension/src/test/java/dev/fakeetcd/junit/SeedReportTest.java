package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class SeedReportTest {

  static final List<Long> SEEDS = new CopyOnWriteArrayList<>();

  @EtcdTest(members = 3, seed = 1234)
  static class Failing {
    @Test
    void fails(EtcdCluster cluster) {
      cluster.network().isolate(cluster.member(0));
      throw new AssertionError("boom");
    }
  }

  @Test
  void failure_reportNamesSeedRerunLineMembersAndTraceTail() throws Exception {
    Throwable failure = Kits.failures(Kits.run(Failing.class)).get(0);

    assertThat(failure).hasMessage("boom");
    assertThat(failure.getSuppressed()).singleElement().isInstanceOf(ClusterReport.class);
    String report = failure.getSuppressed()[0].getMessage();
    assertThat(report)
        .contains("fails(EtcdCluster) failed on a 3-member cluster with seed 1234\n")
        .contains("rerun with this seed: -Dfake-etcd.seed=1234  or  @EtcdTest(seed = 1234L)")
        .containsPattern("member-0\\([0-9a-f]+\\) \\w+ term=\\d+ applied=\\d+ revision=1")
        .containsPattern("FAULT member-0\\([0-9a-f]+\\) isolate\n$");
    Path trace = Path.of("target/fake-etcd-kit",
        SeedReportTest.class.getName() + "$Failing.fails.trace");
    assertThat(report).contains("full trace: " + trace.toAbsolutePath());
    assertThat(Files.readString(trace)).contains("LEADER").endsWith("isolate\n");
  }

  @Test
  void failure_historyRecorded_reportNamesTheTimelineNextToTheTrace() throws Exception {
    Path timeline = Path.of("target/fake-etcd-kit",
        SeedReportTest.class.getName() + "$Failing.fails.html");
    Files.deleteIfExists(timeline);

    Throwable failure = Kits.failures(Kits.run(Failing.class)).get(0);

    assertThat(failure.getSuppressed()[0].getMessage())
        .contains("  timeline: " + timeline.toAbsolutePath() + "\n");
    assertThat(Files.readString(timeline)).startsWith("<!DOCTYPE html>")
        .contains("\"kind\":\"isolate\"");
  }

  @EtcdTest(members = 1, seed = 1235)
  static class FailingThenAfterEachFails {
    @Test
    void fails(EtcdCluster cluster) {
      throw new AssertionError("boom");
    }

    @AfterEach
    void after() {
      throw new IllegalStateException("after too");
    }
  }

  @Test
  void failure_alsoInAfterEach_carriesOneReport() {
    Throwable failure = Kits.failures(Kits.run(FailingThenAfterEachFails.class)).get(0);

    assertThat(failure).hasMessage("boom");
    assertThat(failure.getSuppressed()).hasSize(2);
    assertThat(failure.getSuppressed()[0]).isInstanceOf(ClusterReport.class);
    assertThat(failure.getSuppressed()[1]).hasMessage("after too");
    assertThat(failure.getSuppressed()[1].getSuppressed()).isEmpty();
  }

  /** A put, the leader isolated, a new leader, then a minute of heartbeats before the failure. */
  @EtcdTest(members = 3, seed = 21)
  static class LostLeader {
    static final List<String> LABELS = new CopyOnWriteArrayList<>();

    @Test
    void fails(EtcdCluster cluster, Client client) throws Exception {
      client.getKVClient().put(bytes("k"), bytes("v")).get(30, TimeUnit.SECONDS);
      Member old = cluster.leader().orElseThrow();
      cluster.network().isolate(old);
      Member elected = cluster.awaitLeader();
      cluster.clock().advance(Duration.ofMinutes(1));
      LABELS.addAll(List.of(old.toString(), elected.toString()));
      throw new AssertionError("boom");
    }

    static ByteSequence bytes(String s) {
      return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
  }

  private static String lostLeaderReport() {
    LostLeader.LABELS.clear();
    Throwable failure = Kits.failures(Kits.run(LostLeader.class)).get(0);
    return failure.getSuppressed()[0].getMessage();
  }

  @Test
  void failure_reportListsFaultElectionAndLeaderChangeBeforeHundredsOfHeartbeats() {
    String report = lostLeaderReport();
    String old = LostLeader.LABELS.get(0);
    String elected = LostLeader.LABELS.get(1);

    assertThat(report)
        .contains(" FAULT " + old + " isolate\n")
        .containsPattern(" ELECTION " + Pattern.quote(elected) + " CANDIDATE term \\d+\n")
        .containsPattern(" LEADER " + Pattern.quote(elected) + " LEADER leader "
            + Pattern.quote(elected) + " term \\d+\n")
        .containsPattern(" CLIENT member-\\d\\([0-9a-f]+\\) call etcdserverpb\\.KV/Put\n");
    // The minute after the election: heartbeats to the two others, ten a second, and answers.
    assertThat(report).containsPattern("\n    \\.\\.\\. .*\\b[1-9]\\d{2,} heartbeats.*\n$");
  }

  @Test
  void failure_reportFoldsHeartbeatsIntoCounts() {
    String report = lostLeaderReport();

    assertThat(report).doesNotContain("MSG_HEARTBEAT").doesNotContain(" DELIVER ")
        .containsPattern("\\.\\.\\. \\d+ [a-z ]+(, \\d+ [a-z ]+)* (at|between) \\d+\\.\\d{9}s");
  }

  @Test
  void failure_reportAndTraceFileNameMembersAlike() throws Exception {
    String report = lostLeaderReport();
    List<String> file = Files.readAllLines(Path.of("target/fake-etcd-kit",
        SeedReportTest.class.getName() + "$LostLeader.fails.trace"));

    // Every event line of the report is a line of the file, as written there.
    List<String> events = report.lines().filter(l -> l.matches(" {4}\\d+ .*"))
        .map(String::strip).toList();
    assertThat(events).hasSizeGreaterThan(5);
    assertThat(file).containsAll(events);
    // Members appear as name(hex ID) in the members section and in the file alike.
    String old = LostLeader.LABELS.get(0);
    assertThat(old).matches("member-\\d\\([0-9a-f]+\\)");
    assertThat(report).contains("\n    " + old + " ");
    assertThat(file).anyMatch(l -> l.contains(" FAULT " + old + " isolate"));
  }

  @Test
  void failure_reportAppearsOnlyOnTheFailure() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Throwable failure;
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      failure = Kits.failures(Kits.run(Failing.class)).get(0);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }

    assertThat(failure.getSuppressed()).singleElement().isInstanceOf(ClusterReport.class);
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("rerun with this seed");
  }

  @EtcdTest(members = 1)
  static class RandomSeed {
    @Test
    void test(EtcdCluster cluster) {
      SEEDS.add(cluster.seed());
    }
  }

  @Test
  void randomSeed_isPublishedAsAReportEntry() {
    SEEDS.clear();
    EngineExecutionResults results = Kits.run(RandomSeed.class);

    List<String> published = results.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("fake-etcd.seed"))
        .toList();
    assertThat(published).containsExactly(String.valueOf(SEEDS.get(0)));
  }

  @Test
  void seedParameter_overridesTheAnnotation() {
    SEEDS.clear();
    Kits.assertAllSucceeded(Kits.run(FixedSeed.class, Map.of("fake-etcd.seed", "77")), 1);
    assertThat(SEEDS).containsExactly(77L);
  }

  @EtcdTest(members = 1, seed = 3)
  static class FixedSeed {
    @Test
    void test(EtcdCluster cluster) {
      SEEDS.add(cluster.seed());
    }
  }

  @Test
  void sameSeed_sameTrace() {
    SEEDS.clear();
    Kits.assertAllSucceeded(Kits.run(TraceDigest.class), 1);
    Kits.assertAllSucceeded(Kits.run(TraceDigest.class), 1);
    assertThat(TraceDigest.TRACES).hasSize(2);
    assertThat(TraceDigest.TRACES.get(0)).isEqualTo(TraceDigest.TRACES.get(1));
  }

  @EtcdTest(members = 3, seed = 8)
  static class TraceDigest {
    static final List<String> TRACES = new CopyOnWriteArrayList<>();

    @Test
    void test(EtcdCluster cluster) {
      cluster.network().isolate(cluster.leader().orElseThrow());
      cluster.clock().advance(java.time.Duration.ofSeconds(3));
      TRACES.add(cluster.trace());
    }
  }
}
