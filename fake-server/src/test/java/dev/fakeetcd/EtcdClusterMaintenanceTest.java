package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Maintenance: alarms and their effect on writes, Hash and HashKV across members. */
class EtcdClusterMaintenanceTest {

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void alarm_activateThroughAFollower_isSeenByEveryMemberWithoutHeader() {
    EtcdCluster cluster = clusters.start(3, 11);
    Member follower = follower(cluster);
    AlarmRequest activate = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
        .setMemberID(follower.id()).setAlarm(AlarmType.NOSPACE).build();

    AlarmResponse response = clusters.maintenance(cluster, follower).alarm(activate);

    assertThat(response.hasHeader()).isFalse();
    assertThat(response.getAlarmsList()).containsExactly(AlarmMember.newBuilder()
        .setMemberID(follower.id()).setAlarm(AlarmType.NOSPACE).build());
    for (Member m : cluster.members()) {
      assertThat(clusters.maintenance(cluster, m)
          .status(StatusRequest.getDefaultInstance()).getErrorsList())
          .containsExactly("memberID:" + Long.toUnsignedString(follower.id()) + " alarm:NOSPACE ");
    }
  }

  @Test
  void alarm_activateNone_changesNothingAndTheMemberKeepsServing() {
    EtcdCluster cluster = clusters.start(3, 13);
    Member leader = cluster.awaitLeader();
    AlarmRequest none = AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
        .setMemberID(0).setAlarm(AlarmType.NONE).build();

    AlarmResponse response = clusters.maintenance(cluster, leader).alarm(none);

    assertThat(response.getAlarmsList()).isEmpty();
    assertThat(cluster.alarms().list()).isEmpty();
    assertThat(clusters.maintenance(cluster, leader).status(StatusRequest.getDefaultInstance())
        .getErrorsList()).isEmpty();
  }

  @Test
  void alarm_unknownAction_changesNothingAndTheMemberKeepsServing() {
    EtcdCluster cluster = clusters.start(3, 14);
    Member leader = cluster.awaitLeader();
    cluster.alarms().activate(leader, AlarmType.NOSPACE);
    AlarmRequest unknown = AlarmRequest.newBuilder().setActionValue(7).setMemberID(leader.id())
        .setAlarm(AlarmType.NOSPACE).build();

    AlarmResponse response = clusters.maintenance(cluster, leader).alarm(unknown);

    assertThat(response.getAlarmsList()).isEmpty();
    assertThat(cluster.alarms().list()).containsExactly(AlarmMember.newBuilder()
        .setMemberID(leader.id()).setAlarm(AlarmType.NOSPACE).build());
  }

  @Test
  void alarms_listIsOrderedByTypeThenMember_andDeactivateRemovesOne() {
    EtcdCluster cluster = clusters.start(3, 12);
    Member a = cluster.member(0);
    Member b = cluster.member(1);
    cluster.alarms().activate(b, AlarmType.CORRUPT);
    cluster.alarms().activate(a, AlarmType.NOSPACE);
    cluster.alarms().activate(b, AlarmType.NOSPACE);

    cluster.alarms().deactivate(b, AlarmType.CORRUPT);

    List<AlarmMember> expected = new ArrayList<>(List.of(
        AlarmMember.newBuilder().setMemberID(a.id()).setAlarm(AlarmType.NOSPACE).build(),
        AlarmMember.newBuilder().setMemberID(b.id()).setAlarm(AlarmType.NOSPACE).build()));
    expected.sort((x, y) -> Long.compareUnsigned(x.getMemberID(), y.getMemberID()));
    assertThat(cluster.alarms().list()).isEqualTo(expected);
  }

  @Test
  void noSpace_refusesPutsGrantsAndPuttingTxns_butNotDeletes() {
    EtcdCluster cluster = clusters.start(3, 13);
    Member leader = cluster.awaitLeader();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    kv.put(put("k", "v"));
    cluster.alarms().activate(leader, AlarmType.NOSPACE);

    assertFails(EtcdError.NO_SPACE, () -> kv.put(put("k", "w")));
    assertFails(EtcdError.NO_SPACE, () -> kv.txn(TxnRequest.newBuilder()
        .addFailure(RequestOp.newBuilder().setRequestPut(put("x", "y"))).build()));
    assertFails(EtcdError.NO_SPACE,
        () -> LeaseGrpc.newBlockingStub(clusters.channel(cluster, leader))
            .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()));
    assertThat(kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build())
        .getDeleted()).isEqualTo(1);
  }

  @Test
  void noSpace_deactivated_writesWorkAgain() {
    EtcdCluster cluster = clusters.start(1, 14);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    cluster.alarms().activate(only, AlarmType.NOSPACE);

    cluster.alarms().deactivate(only, AlarmType.NOSPACE);

    assertThat(kv.put(put("k", "v")).getHeader().getRevision()).isEqualTo(2);
  }

  @Test
  void corrupt_refusesDeletesAndCompaction_withDataLoss() {
    EtcdCluster cluster = clusters.start(3, 15);
    Member leader = cluster.awaitLeader();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    kv.put(put("k", "v"));
    cluster.alarms().activate(leader, AlarmType.CORRUPT);

    assertFails(EtcdError.CORRUPT,
        () -> kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build()));
    assertFails(EtcdError.CORRUPT,
        () -> kv.compact(CompactionRequest.newBuilder().setRevision(2).build()));
    assertThat(kv.range(Clusters.get("k")).getCount()).isEqualTo(1);
  }

  @Test
  void alarms_corruptThenNospace_restartEnforcesCorrupt() {
    EtcdCluster cluster = clusters.start(1, 17);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    kv.put(put("k", "v"));
    cluster.alarms().activate(only, AlarmType.CORRUPT);
    cluster.alarms().activate(only, AlarmType.NOSPACE);
    kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());

    only.crash();
    only.restart();
    cluster.awaitLeader();

    // etcd's restoreAlarms: CORRUPT wraps NOSPACE whichever was raised first.
    assertFails(EtcdError.CORRUPT, () -> clusters.kv(cluster, only)
        .deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build()));
  }

  @Test
  void alarms_surviveACrashedMembersReplay() {
    EtcdCluster cluster = clusters.start(3, 16);
    Member follower = follower(cluster);
    cluster.alarms().activate(follower, AlarmType.NOSPACE);

    follower.crash();
    follower.restart();
    cluster.clock().advance(cluster.config().election().multipliedBy(3));

    assertThat(clusters.maintenance(cluster, follower).status(StatusRequest.getDefaultInstance())
        .getErrorsList()).hasSize(1);
  }

  @Test
  void hashKv_isEqualOnEveryMember_andChangesAfterAWrite() {
    EtcdCluster cluster = clusters.start(3, 17);
    Member leader = cluster.awaitLeader();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    kv.put(put("a", "1"));
    kv.put(put("a", "2"));
    kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("a")).build());
    List<Integer> before = new ArrayList<>();
    List<Integer> whole = new ArrayList<>();
    for (Member m : cluster.members()) {
      before.add(clusters.maintenance(cluster, m)
          .hashKV(HashKVRequest.getDefaultInstance()).getHash());
      whole.add(clusters.maintenance(cluster, m).hash(HashRequest.getDefaultInstance()).getHash());
    }

    kv.put(put("b", "1"));

    int after = clusters.maintenance(cluster, leader)
        .hashKV(HashKVRequest.getDefaultInstance()).getHash();
    assertThat(before).containsOnly(before.get(0));
    assertThat(whole).containsOnly(whole.get(0));
    assertThat(after).isNotEqualTo(before.get(0));
  }

  @Test
  void hashKv_atAnOldRevision_ignoresLaterWrites() {
    EtcdCluster cluster = clusters.start(1, 18);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    long rev = kv.put(put("a", "1")).getHeader().getRevision();
    int atRev = clusters.maintenance(cluster, only)
        .hashKV(HashKVRequest.getDefaultInstance()).getHash();

    kv.put(put("a", "2"));

    var later = clusters.maintenance(cluster, only)
        .hashKV(HashKVRequest.newBuilder().setRevision(rev).build());
    assertThat(later.getHash()).isEqualTo(atRev);
    assertThat(later.getHeader().getRevision()).isEqualTo(rev + 1);
    assertThat(later.getCompactRevision()).isEqualTo(-1);
  }

  @Test
  void hashKv_futureRevision_failsFutureRev() {
    EtcdCluster cluster = clusters.start(1, 19);

    assertFails(EtcdError.FUTURE_REV, () -> clusters.maintenance(cluster, cluster.member(0))
        .hashKV(HashKVRequest.newBuilder().setRevision(5).build()));
  }
}
