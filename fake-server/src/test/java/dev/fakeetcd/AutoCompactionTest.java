package dev.fakeetcd;

import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AutoCompactionTest {

  private static final Pattern EVENT =
      Pattern.compile("^\\d+ (\\d+\\.\\d+)s CLIENT (\\S+) auto-compaction at (\\d+)$",
          Pattern.MULTILINE);

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private EtcdCluster start(int members, AutoCompaction compaction) {
    return clusters.start(ClusterConfig.builder().members(members).seed(3)
        .autoCompaction(compaction).build());
  }

  /** "seconds member revision" of every auto-compaction the trace shows. */
  private static List<String> compactions(EtcdCluster cluster) {
    List<String> out = new ArrayList<>();
    Matcher m = EVENT.matcher(cluster.trace());
    while (m.find()) {
      out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
    }
    return out;
  }

  private static void advanceTo(EtcdCluster cluster, Duration since0) {
    cluster.clock().advance(Duration.ofNanos(since0.toNanos() - cluster.clock().nanos()));
  }

  /** A put right after each whole minute: the sample taken at minute k is revision k + 1. */
  private void putEveryMinute(EtcdCluster cluster, KVGrpc.KVBlockingStub kv, int minutes) {
    kv.put(put("k", "0"));
    for (int k = 1; k <= minutes; k++) {
      advanceTo(cluster, Duration.ofMinutes(k));
      kv.put(put("k", Integer.toString(k)));
    }
  }

  @Test
  void periodic_compactsAtTheRevisionOfOneRetentionAgoThenEveryRetention() {
    EtcdCluster cluster = start(1, AutoCompaction.periodic(Duration.ofMinutes(10)));
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    String id = cluster.member(0).toString();

    putEveryMinute(cluster, kv, 30);

    // First at 10 min with the sample of 0 min; then (after a success) every 10 min with the
    // oldest of 11 samples, taken 11 intervals earlier, as etcd's loop compacts before sampling.
    assertThat(compactions(cluster)).containsExactly(
        "600.000000000 " + id + " 1", "1200.000000000 " + id + " 10",
        "1800.000000000 " + id + " 20");
  }

  @Test
  void periodic_longerThanAnHour_samplesEverySixMinutesAndCompactsHourly() {
    EtcdCluster cluster = start(1, AutoCompaction.periodic(Duration.ofHours(2)));
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    String id = cluster.member(0).toString();

    putEveryMinute(cluster, kv, 180);

    // 21 samples kept: at 3 h the oldest is from 3 h - 21 × 6 min = 54 min (revision 55).
    assertThat(compactions(cluster)).containsExactly(
        "7200.000000000 " + id + " 1", "10800.000000000 " + id + " 55");
  }

  @Test
  void revision_keepsTheLastRevisionsCheckedEveryFiveMinutes() {
    EtcdCluster cluster = start(1, AutoCompaction.revision(3));
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    String id = cluster.member(0).toString();

    putEveryMinute(cluster, kv, 16);

    // At 5 min the store is at revision 6 (puts at 0..4 min), at 10 min at 11, at 15 at 16.
    assertThat(compactions(cluster)).containsExactly(
        "300.000000000 " + id + " 3", "600.000000000 " + id + " 8",
        "900.000000000 " + id + " 13");
  }

  @Test
  void revision_unchangedRevision_doesNotCompactAgain() {
    EtcdCluster cluster = start(1, AutoCompaction.revision(1));
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    String id = cluster.member(0).toString();
    kv.put(put("k", "v"));
    kv.put(put("k", "w"));

    advanceTo(cluster, Duration.ofMinutes(20));

    assertThat(compactions(cluster)).containsExactly("300.000000000 " + id + " 2");
  }

  @Test
  void range_belowTheAutoCompactedRevision_failsWithCompacted() {
    EtcdCluster cluster = start(1, AutoCompaction.revision(2));
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    for (int i = 0; i < 5; i++) {
      kv.put(put("k", "v" + i));
    }

    advanceTo(cluster, Duration.ofMinutes(5));

    assertThat(kv.range(RangeRequest.newBuilder().setKey(Clusters.bytes("k")).setRevision(4)
        .build()).getKvsCount()).isEqualTo(1);
    assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(Clusters.bytes("k"))
        .setRevision(3).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("etcdserver: mvcc: required revision has been compacted");
        });
  }

  @Test
  void periodic_onlyTheLeaderCompacts() {
    EtcdCluster cluster = start(3, AutoCompaction.periodic(Duration.ofSeconds(10)));
    String leader = cluster.leader().orElseThrow().toString();

    advanceTo(cluster, Duration.ofSeconds(25));

    assertThat(compactions(cluster)).containsExactly(
        "10.000000000 " + leader + " 1", "20.000000000 " + leader + " 1");
  }

  @Test
  void revision_withoutLeader_doesNotCompact() {
    EtcdCluster cluster = start(3, AutoCompaction.revision(1));
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    kv.put(put("k", "v"));
    kv.put(put("k", "w"));
    for (Member m : cluster.members()) {
      if (m != leader) {
        m.crash();
      }
    }

    advanceTo(cluster, Duration.ofMinutes(11));

    assertThat(cluster.leader()).isEmpty();
    assertThat(compactions(cluster)).isEmpty();
  }

  @Test
  void revision_newLeader_compactsAtItsNextCheck() {
    EtcdCluster cluster = start(3, AutoCompaction.revision(1));
    Member first = cluster.leader().orElseThrow();
    clusters.kv(cluster, first).put(put("k", "v"));
    clusters.kv(cluster, first).put(put("k", "w"));
    advanceTo(cluster, Duration.ofMinutes(4));
    Member next = Clusters.follower(cluster);

    cluster.transferLeadership(next);
    advanceTo(cluster, Duration.ofMinutes(6));

    assertThat(compactions(cluster)).containsExactly("300.000000000 " + next + " 2");
  }
}
