package dev.fakeetcd;

import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.testing.KeepAliveTestClient;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdClusterFaultTest {

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void transferLeadership_toFollower_followerLeadsAtOnce() {
    EtcdCluster cluster = clusters.start(3, 31);
    Member target = follower(cluster);
    long term = cluster.leader().orElseThrow().term();

    cluster.transferLeadership(target);

    assertThat(cluster.leader()).contains(target);
    assertThat(target.term()).isGreaterThan(term);
  }

  @Test
  void status_afterAWrite_showsRolesTermsAndRevisions() {
    EtcdCluster cluster = clusters.start(3, 32);
    Member leader = cluster.leader().orElseThrow();
    clusters.kv(cluster, leader).put(put("k", "v"));

    List<MemberStatus> status = cluster.status();

    assertThat(status).extracting(MemberStatus::role).containsOnly("LEADER", "FOLLOWER")
        .containsOnlyOnce("LEADER");
    assertThat(status).extracting(MemberStatus::revision).containsOnly(2L);
    assertThat(status).extracting(MemberStatus::term).containsOnly(leader.term());
    assertThat(status.get(leader.index()).toString())
        .startsWith(leader.name() + "(" + Long.toUnsignedString(leader.id(), 16) + ") LEADER term=");
  }

  @Test
  void status_crashedAndPausedMembers_areShownSo() {
    EtcdCluster cluster = clusters.start(3, 33);
    cluster.member(0).crash();
    cluster.member(1).pause();

    List<MemberStatus> status = cluster.status();

    assertThat(status.get(0).role()).isEqualTo("DOWN");
    assertThat(status.get(0).isUp()).isFalse();
    assertThat(status.get(1).paused()).isTrue();
    assertThat(status.get(1).toString()).contains("(paused)");
  }

  @Test
  void trace_recordsFaultsWithTheirVirtualTime() {
    EtcdCluster cluster = clusters.start(3, 34);
    cluster.clock().advance(Duration.ofSeconds(1));

    cluster.network().isolate(cluster.member(2));

    assertThat(cluster.trace().lines().reduce((a, b) -> b).orElseThrow())
        .matches("\\d+ \\d+\\.\\d{9}s FAULT member-2\\([0-9a-f]+\\) isolate");
  }

  @Test
  void trace_recordsClientCallsAndClientLinkFaultsNamingTheMember() {
    EtcdCluster cluster = clusters.start(3, 35);
    Member follower = follower(cluster);

    clusters.kv(cluster, follower).put(put("k", "v"));
    cluster.clientLinks().failNext(follower, "etcdserverpb.KV/Range", 1,
        EtcdFailure.LEADER_CHANGED);

    assertThat(cluster.trace()).containsPattern("\\d+ \\d+\\.\\d{9}s CLIENT "
        + Pattern.quote(follower.toString()) + " call etcdserverpb\\.KV/Put\n")
        .contains(" FAULT " + follower
            + " client links: fail next 1 etcdserverpb.KV/Range with LEADER_CHANGED\n");
  }

  @Test
  void trace_recordsRequestsOnOpenStreamsNamingTheMember() {
    EtcdCluster cluster = clusters.start(3, 37);
    Member follower = follower(cluster);
    ManagedChannel channel = clusters.channel(cluster, follower);
    long lease = LeaseGrpc.newBlockingStub(channel)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID();

    try (WatchTestClient watch = new WatchTestClient(channel)) {
      watch.created(WatchTestClient.watch("k"));
    }
    new KeepAliveTestClient(channel).renew(lease);

    assertThat(cluster.trace())
        .contains(" CLIENT " + follower + " call etcdserverpb.Watch/Watch create_request\n")
        .contains(" CLIENT " + follower + " call etcdserverpb.Lease/LeaseKeepAlive lease "
            + Long.toHexString(lease) + "\n");
  }

  @Test
  void traceSummary_listsTheFaultAndElectionsWithHeartbeatsCounted() {
    EtcdCluster cluster = clusters.start(3, 36);
    Member leader = cluster.leader().orElseThrow();

    cluster.network().isolate(leader);
    Member elected = cluster.awaitLeader();
    cluster.clock().advance(Duration.ofSeconds(30));

    String summary = cluster.traceSummary(10);
    assertThat(summary)
        .contains(" FAULT " + leader + " isolate\n")
        .contains(" LEADER " + elected + " LEADER leader " + elected + " term ")
        .doesNotContain("DELIVER")
        .containsPattern("\\n\\.\\.\\. .*\\d{3} heartbeats.*\\n$");
  }
}
