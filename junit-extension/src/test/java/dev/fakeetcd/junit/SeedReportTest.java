package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
        .containsPattern("member-0 id=[0-9a-f]+ \\w+ term=\\d+ applied=\\d+ revision=1")
        .containsPattern("FAULT \\d+ isolate\n$");
    Path trace = Path.of("target/fake-etcd-kit",
        SeedReportTest.class.getName() + "$Failing.fails.trace");
    assertThat(report).contains("full trace: " + trace.toAbsolutePath());
    assertThat(Files.readString(trace)).contains("LEADER").endsWith("isolate\n");
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
