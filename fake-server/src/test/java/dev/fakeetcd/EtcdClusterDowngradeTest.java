package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.DowngradeRequest;
import dev.fakeetcd.api.DowngradeRequest.DowngradeAction;
import dev.fakeetcd.api.DowngradeResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Maintenance.Downgrade with etcd 3.5's rules, for the fake's cluster version 3.4. */
class EtcdClusterDowngradeTest {

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private static DowngradeRequest request(DowngradeAction action, String version) {
    return DowngradeRequest.newBuilder().setAction(action).setVersion(version).build();
  }

  @Test
  void validate_previousMinorVersion_answersTheClusterVersionWithAFullHeader() {
    EtcdCluster cluster = clusters.start(3, 51);
    Member follower = Clusters.follower(cluster);
    KVGrpc.newBlockingStub(clusters.channel(cluster, follower)).put(Clusters.put("k", "v"));

    DowngradeResponse response = clusters.maintenance(cluster, follower)
        .downgrade(request(DowngradeAction.VALIDATE, "3.3"));

    assertThat(response.getVersion()).isEqualTo("3.4.0");
    assertThat(response.getHeader().getMemberId()).isEqualTo(follower.id());
    assertThat(response.getHeader().getClusterId()).isEqualTo(cluster.clusterId());
    assertThat(response.getHeader().getRevision()).isEqualTo(2);
    assertThat(response.getHeader().getRaftTerm()).isEqualTo(follower.term());
  }

  @Test
  void validate_currentMinorVersion_failsInvalidTarget() {
    EtcdCluster cluster = clusters.start(1, 52);

    assertFails(EtcdError.INVALID_DOWNGRADE_TARGET_VERSION, () -> clusters.maintenance(cluster,
        cluster.member(0)).downgrade(request(DowngradeAction.VALIDATE, "3.4")));
  }

  @Test
  void enable_malformedVersion_failsWrongFormat() {
    EtcdCluster cluster = clusters.start(1, 53);

    assertFails(EtcdError.WRONG_DOWNGRADE_VERSION_FORMAT, () -> clusters.maintenance(cluster,
        cluster.member(0)).downgrade(request(DowngradeAction.ENABLE, "v3.3")));
  }

  @Test
  void enable_throughOneMember_isAJobInProgressForEveryMember() {
    EtcdCluster cluster = clusters.start(3, 54);
    Member follower = Clusters.follower(cluster);

    DowngradeResponse enabled = clusters.maintenance(cluster, follower)
        .downgrade(request(DowngradeAction.ENABLE, "3.3"));

    assertThat(enabled.getVersion()).isEqualTo("3.4.0");
    for (Member m : cluster.members()) {
      assertFails(EtcdError.DOWNGRADE_IN_PROCESS,
          () -> clusters.maintenance(cluster, m)
              .downgrade(request(DowngradeAction.VALIDATE, "3.3")));
    }
  }

  @Test
  void cancel_withoutJob_failsNoInflightDowngrade() {
    EtcdCluster cluster = clusters.start(3, 55);

    assertFails(EtcdError.NO_INFLIGHT_DOWNGRADE,
        () -> clusters.maintenance(cluster, cluster.member(0))
            .downgrade(request(DowngradeAction.CANCEL, "")));
  }

  @Test
  void cancel_afterEnable_endsTheJobForEveryMember() {
    EtcdCluster cluster = clusters.start(3, 56);
    clusters.maintenance(cluster, cluster.member(0))
        .downgrade(request(DowngradeAction.ENABLE, "3.3"));

    DowngradeResponse cancelled = clusters.maintenance(cluster, cluster.member(1))
        .downgrade(request(DowngradeAction.CANCEL, ""));

    assertThat(cancelled.getVersion()).isEqualTo("3.4.0");
    for (Member m : cluster.members()) {
      assertThat(clusters.maintenance(cluster, m)
          .downgrade(request(DowngradeAction.VALIDATE, "3.3"))
          .getVersion()).isEqualTo("3.4.0");
    }
  }

  @Test
  void enable_survivesACrashAndRestartOfEveryMember() {
    EtcdCluster cluster = clusters.start(3, 57);
    clusters.maintenance(cluster, cluster.member(0))
        .downgrade(request(DowngradeAction.ENABLE, "3.3"));

    for (Member m : cluster.members()) {
      m.crash();
    }
    for (Member m : cluster.members()) {
      m.restart();
    }
    cluster.awaitLeader();

    assertFails(EtcdError.DOWNGRADE_IN_PROCESS,
        () -> clusters.maintenance(cluster, cluster.member(2))
            .downgrade(request(DowngradeAction.VALIDATE, "3.3")));
  }

  @Test
  void downgrade_unknownAction_failsUnknownMethodAsAPlainGoError() {
    EtcdCluster cluster = clusters.start(1, 58);
    DowngradeRequest unknown = DowngradeRequest.newBuilder().setActionValue(7).build();

    assertFails(EtcdError.UNKNOWN_METHOD,
        () -> clusters.maintenance(cluster, cluster.member(0)).downgrade(unknown));
  }
}
