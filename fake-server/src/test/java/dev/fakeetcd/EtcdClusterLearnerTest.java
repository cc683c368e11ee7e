package dev.fakeetcd;

import static dev.fakeetcd.Clusters.HEALTH_INTERVAL;
import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.SnapshotRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.election.LeaderRequest;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.testing.WatchTestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A learner's life: added, started, catching up, refusing what etcd 3.4 refuses, promoted. */
class EtcdClusterLearnerTest {

  private static final String NEW_PEER = "http://10.0.0.9:2380";

  private final Clusters clusters = new Clusters();

  @AfterEach
  void close() {
    clusters.close();
  }

  /**
   * A 3-member cluster with "k" written, then (once its members have been connected long enough
   * for etcd to take a MemberAdd) a learner added, started and given a second.
   */
  private Member startedLearner(EtcdCluster cluster) {
    clusters.kv(cluster, cluster.member(0)).put(put("k", "v"));
    cluster.clock().advance(HEALTH_INTERVAL);
    Member learner = clusters.startedLearner(cluster, cluster.member(0), NEW_PEER);
    cluster.clock().advance(Duration.ofSeconds(1));
    return learner;
  }

  @Test
  void serializableRange_startedLearner_returnsWhatWasWrittenBefore() {
    EtcdCluster cluster = clusters.start(3, 21);
    Member learner = startedLearner(cluster);

    assertThat(clusters.kv(cluster, learner).range(serializableGet("k")).getKvs(0).getValue())
        .isEqualTo(bytes("v"));
  }

  @Test
  void status_startedLearner_answersAsLearner() {
    EtcdCluster cluster = clusters.start(3, 22);
    Member learner = startedLearner(cluster);

    assertThat(MaintenanceGrpc.newBlockingStub(clusters.channel(cluster, learner))
        .status(StatusRequest.getDefaultInstance()).getIsLearner()).isTrue();
  }

  @Test
  void unaryCalls_startedLearner_refusedButStatusAndSerializableRange() {
    EtcdCluster cluster = clusters.start(3, 23);
    Member learner = startedLearner(cluster);

    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER,
        () -> clusters.kv(cluster, learner).range(get("k")));
    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER,
        () -> clusters.kv(cluster, learner).put(put("k", "w")));
    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER, () -> clusters.cluster(cluster, learner)
        .memberList(MemberListRequest.getDefaultInstance()));
    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER,
        () -> LockGrpc.newBlockingStub(clusters.channel(cluster, learner))
        .lock(LockRequest.newBuilder().setName(bytes("l")).build()));
  }

  @Test
  void streams_startedLearner_refused() {
    EtcdCluster cluster = clusters.start(3, 24);
    Member learner = startedLearner(cluster);

    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER, () -> MaintenanceGrpc.newBlockingStub(
        clusters.channel(cluster, learner)).snapshot(SnapshotRequest.getDefaultInstance())
        .hasNext());
    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER,
        () -> ElectionGrpc.newBlockingStub(clusters.channel(cluster, learner))
        .observe(LeaderRequest.newBuilder().setName(bytes("e")).build()).hasNext());
    WatchTestClient watch = new WatchTestClient(clusters.channel(cluster, learner));
    watch.create(WatchTestClient.watch("k"));
    assertFails(EtcdError.NOT_SUPPORTED_FOR_LEARNER, () -> {
      throw watch.ended().asRuntimeException();
    });
  }

  @Test
  void memberPromote_startedLearner_liftsTheRestriction() {
    EtcdCluster cluster = clusters.start(3, 25);
    Member learner = startedLearner(cluster);

    clusters.cluster(cluster, cluster.member(0)).memberPromote(
        MemberPromoteRequest.newBuilder().setID(learner.id()).build());

    assertThat(clusters.kv(cluster, learner).put(put("k", "w")).getHeader().getRevision())
        .isEqualTo(3);
    assertThat(clusters.kv(cluster, learner).range(get("k")).getKvs(0).getValue())
        .isEqualTo(bytes("w"));
    assertThat(clusters.cluster(cluster, learner).memberList(MemberListRequest.getDefaultInstance())
        .getMembersList()).hasSize(4).noneMatch(dev.fakeetcd.api.Member::getIsLearner);
  }
}
