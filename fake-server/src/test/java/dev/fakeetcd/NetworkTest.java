package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fakeetcd.api.PutResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetworkTest {

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void partition_leaderInMinority_majorityElectsAnother() {
    EtcdCluster cluster = clusters.start(3, 11);
    Member leader = cluster.leader().orElseThrow();
    List<Member> others = cluster.members().stream().filter(m -> m != leader).toList();

    cluster.network().partition(List.of(leader), others);
    cluster.clock().advance(Duration.ofSeconds(3));

    assertThat(cluster.leader()).get().isIn(others);
  }

  @Test
  void cut_oneWay_leavesTheReverseLinkUp() {
    EtcdCluster cluster = clusters.start(3, 12);

    cluster.network().cut(cluster.member(0), cluster.member(1));

    assertThat(cluster.network().isCut(cluster.member(0), cluster.member(1))).isTrue();
    assertThat(cluster.network().isCut(cluster.member(1), cluster.member(0))).isFalse();
  }

  @Test
  void hold_thenRelease_followerCatchesUpOnRelease() {
    EtcdCluster cluster = clusters.start(3, 13);
    Member leader = cluster.leader().orElseThrow();
    Member follower = follower(cluster);
    cluster.network().hold(leader, follower);

    clusters.kv(cluster, leader).put(put("k", "v"));
    assertThat(clusters.kv(cluster, follower).range(serializableGet("k")).getKvsList()).isEmpty();
    assertThat(cluster.network().heldCount(leader, follower)).isPositive();

    cluster.network().release(leader, follower);
    assertThat(clusters.kv(cluster, follower).range(serializableGet("k")).getKvsList())
        .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("v")));
  }

  @Test
  void latency_putWaitsUntilTheClockCoversIt() throws Exception {
    EtcdCluster cluster = clusters.start(3, 14);
    cluster.network().latency(Duration.ofMillis(50), Duration.ZERO);

    ListenableFuture<PutResponse> put =
        clusters.kvAsync(cluster, cluster.leader().orElseThrow()).put(put("k", "v"));
    assertThat(put.isDone()).isFalse();

    cluster.clock().advance(Duration.ofMillis(100));
    assertThat(put.get().getHeader().getRevision()).isEqualTo(2);
  }

  @Test
  void duplicationRate_everyReplicationMessageTwice_eachWriteAppliesOnce() {
    EtcdCluster cluster = clusters.start(3, 15);
    Member leader = cluster.leader().orElseThrow();
    cluster.network().duplicationRate(1.0);

    clusters.kv(cluster, leader).put(put("a", "1"));
    clusters.kv(cluster, leader).put(put("b", "2"));

    assertThat(cluster.status()).extracting(MemberStatus::revision).containsOnly(3L);
  }

  @Test
  void duplicationRate_one_aWriteForwardedByAFollowerAppliesOnce() {
    EtcdCluster cluster = clusters.start(3, 15);
    Member follower = cluster.members().stream().filter(m -> !m.isLeader()).findFirst().orElseThrow();
    cluster.network().duplicationRate(1.0);

    clusters.kv(cluster, follower).put(put("a", "1"));

    assertThat(cluster.status()).extracting(MemberStatus::revision).containsOnly(2L);
  }

  @Test
  void lossRate_allLost_thenHeal_clusterServesAgain() {
    EtcdCluster cluster = clusters.start(3, 16);
    Member leader = cluster.leader().orElseThrow();
    cluster.network().lossRate(1.0);
    cluster.clock().advance(Duration.ofSeconds(3));
    assertThat(cluster.leader()).isEmpty();

    cluster.network().heal();

    Member next = cluster.awaitLeader();
    assertThat(clusters.kv(cluster, next).put(put("k", "v")).getHeader().getRevision())
        .isEqualTo(2);
    assertThat(cluster.trace()).contains("loss 1.0").contains("heal");
    assertThat(leader.isUp()).isTrue();
  }
}
