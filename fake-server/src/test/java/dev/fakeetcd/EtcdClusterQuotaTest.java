package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.assertIs;
import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DefragmentRequest;
import dev.fakeetcd.api.DefragmentResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The backend size model, the space quota and its NOSPACE alarm, and Defragment. */
class EtcdClusterQuotaTest {

  private static final long QUOTA = 256 * 1024;
  private static final ByteString BIG = ByteString.copyFrom(new byte[16 * 1024]);
  /** Enough puts of {@link #BIG} to pass {@link #QUOTA} several times over. */
  private static final int MAX_PUTS = 64;

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private EtcdCluster start(int members, long seed, long quota) {
    return clusters.start(ClusterConfig.builder().members(members).seed(seed)
        .quotaBackendBytes(quota).build());
  }

  private StatusResponse status(EtcdCluster cluster, Member m) {
    return clusters.maintenance(cluster, m).status(StatusRequest.getDefaultInstance());
  }

  private static PutRequest big(String key) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(BIG).build();
  }

  /** Overwrites one key with big values until a put fails; returns that failure. */
  private static StatusRuntimeException fill(KVGrpc.KVBlockingStub kv) {
    for (int i = 0; i < MAX_PUTS; i++) {
      try {
        kv.put(big("fill"));
      } catch (StatusRuntimeException e) {
        return e;
      }
    }
    throw new AssertionError("no put failed in " + MAX_PUTS + " puts of " + BIG.size() + " bytes");
  }

  private static AlarmMember noSpace(Member m) {
    return AlarmMember.newBuilder().setMemberID(m.id()).setAlarm(AlarmType.NOSPACE).build();
  }

  @Test
  void put_fillingTheQuota_failsNoSpaceAndRaisesTheReceivingMembersAlarm() {
    EtcdCluster cluster = start(3, 31, QUOTA);
    Member follower = follower(cluster);

    StatusRuntimeException failure = fill(clusters.kv(cluster, follower));

    assertIs(EtcdError.NO_SPACE, failure);
    assertThat(cluster.alarms().list()).containsExactly(noSpace(follower));
  }

  @Test
  void noSpace_fromAFullBackend_stopsPutsAndGrantsButNotDeletesAndReads() {
    EtcdCluster cluster = start(1, 32, QUOTA);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    kv.put(put("k", "v"));
    fill(kv);

    assertFails(EtcdError.NO_SPACE, () -> kv.put(put("x", "y")));
    assertFails(EtcdError.NO_SPACE, () -> LeaseGrpc.newBlockingStub(clusters.channel(cluster, only))
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()));
    assertThat(kv.range(get("k")).getKvs(0).getValue()).isEqualTo(bytes("v"));
    assertThat(kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build())
        .getDeleted()).isEqualTo(1);
  }

  @Test
  void put_malformedOverQuota_failsNoSpaceBeforeValidation() {
    EtcdCluster cluster = start(1, 33, QUOTA);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    fill(kv);

    // Without a key, which validation would refuse.
    assertFails(EtcdError.NO_SPACE, () -> kv.put(PutRequest.newBuilder().setValue(BIG).build()));
  }

  @Test
  void noSpace_compactDefragmentEveryMemberAndDisarm_putsWorkAgain() {
    EtcdCluster cluster = start(3, 34, QUOTA);
    Member follower = follower(cluster);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, follower);
    fill(kv);
    long revision = status(cluster, follower).getHeader().getRevision();

    kv.compact(CompactionRequest.newBuilder().setRevision(revision).build());
    for (Member m : cluster.members()) {
      clusters.maintenance(cluster, m).defragment(DefragmentRequest.getDefaultInstance());
    }
    cluster.alarms().deactivate(follower, AlarmType.NOSPACE);

    assertThat(kv.put(big("after")).getHeader().getRevision()).isEqualTo(revision + 1);
    assertThat(cluster.alarms().list()).isEmpty();
  }

  @Test
  void noSpace_disarmedWithoutDefragment_isRaisedAgainByTheNextPut() {
    EtcdCluster cluster = start(1, 35, QUOTA);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    fill(kv);
    long revision = status(cluster, only).getHeader().getRevision();
    kv.compact(CompactionRequest.newBuilder().setRevision(revision).build());
    cluster.alarms().deactivate(only, AlarmType.NOSPACE);

    assertFails(EtcdError.NO_SPACE, () -> kv.put(big("after")));
    assertThat(cluster.alarms().list()).containsExactly(noSpace(only));
  }

  @Test
  void dbSize_growsWithWrites_compactionLowersOnlyTheSizeInUse() {
    EtcdCluster cluster = start(1, 36, -1);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    StatusResponse fresh = status(cluster, only);
    for (int i = 0; i < 8; i++) {
      kv.put(big("k"));
    }
    StatusResponse written = status(cluster, only);

    kv.compact(CompactionRequest.newBuilder().setRevision(written.getHeader().getRevision()).build());

    StatusResponse compacted = status(cluster, only);
    assertThat(written.getDbSize()).isGreaterThan(fresh.getDbSize() + 8L * BIG.size());
    assertThat(compacted.getDbSize()).isEqualTo(written.getDbSize());
    assertThat(compacted.getDbSizeInUse()).isLessThan(written.getDbSizeInUse() - 6L * BIG.size());
  }

  @Test
  void defragment_shrinksTheFileToWhatIsInUse_onThatMemberAlone() {
    EtcdCluster cluster = start(3, 37, -1);
    Member leader = cluster.awaitLeader();
    Member follower = follower(cluster);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    for (int i = 0; i < 8; i++) {
      kv.put(big("k"));
    }
    kv.compact(CompactionRequest.newBuilder()
        .setRevision(status(cluster, leader).getHeader().getRevision()).build());
    StatusResponse before = status(cluster, follower);

    DefragmentResponse response = clusters.maintenance(cluster, follower)
        .defragment(DefragmentRequest.getDefaultInstance());

    StatusResponse after = status(cluster, follower);
    assertThat(response).isEqualTo(DefragmentResponse.getDefaultInstance());
    assertThat(after.getDbSize()).isLessThan(before.getDbSize() - 6L * BIG.size())
        .isGreaterThan(after.getDbSizeInUse());
    assertThat(after.getDbSizeInUse()).isEqualTo(before.getDbSizeInUse());
    assertThat(status(cluster, leader).getDbSize()).isEqualTo(before.getDbSize());
  }

  @Test
  void dbSize_afterDefragment_survivesACrashAndTheReplay() {
    EtcdCluster cluster = start(3, 38, -1);
    Member follower = follower(cluster);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.awaitLeader());
    for (int i = 0; i < 8; i++) {
      kv.put(big("k"));
    }
    kv.compact(CompactionRequest.newBuilder()
        .setRevision(status(cluster, follower).getHeader().getRevision()).build());
    clusters.maintenance(cluster, follower).defragment(DefragmentRequest.getDefaultInstance());
    StatusResponse before = status(cluster, follower);

    follower.crash();
    follower.restart();
    cluster.clock().advance(cluster.config().election().multipliedBy(3));

    StatusResponse after = status(cluster, follower);
    assertThat(after.getDbSize()).isEqualTo(before.getDbSize());
    assertThat(after.getDbSizeInUse()).isEqualTo(before.getDbSizeInUse());
  }

  @Test
  void negativeQuota_neverRaisesNoSpace() {
    EtcdCluster cluster = start(1, 39, -1);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);

    for (int i = 0; i < 2 * QUOTA / BIG.size(); i++) {
      kv.put(big("k" + i));
    }

    assertThat(status(cluster, only).getDbSize()).isGreaterThan(2 * QUOTA);
    assertThat(cluster.alarms().list()).isEmpty();
  }

  /** The Status dbSize of a fresh member, the same for every cluster. */
  private long freshSize() {
    EtcdCluster probe = start(1, 40, 0);
    return status(probe, probe.member(0)).getDbSize();
  }

  @Test
  void leaseGrant_costsLessThanAPut() {
    // Room for a grant (64) but not for the smallest put (256 + key).
    EtcdCluster cluster = start(1, 41, freshSize() + 65);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);

    long granted = LeaseGrpc.newBlockingStub(clusters.channel(cluster, only))
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();

    assertThat(granted).isPositive();
    assertFails(EtcdError.NO_SPACE, () -> kv.put(put("k", "")));
  }

  @Test
  void txn_costsItsCostlierBranch_evenWhenTheOtherRuns() {
    // Room for a put of key "a" (257) but not for one of "b" with a 100-byte value.
    EtcdCluster cluster = start(1, 42, freshSize() + 300);
    Member only = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, only);
    PutRequest small = put("a", "");
    PutRequest large = PutRequest.newBuilder().setKey(bytes("b"))
        .setValue(ByteString.copyFrom(new byte[100])).build();
    TxnRequest txn = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(small))
        .addFailure(RequestOp.newBuilder().setRequestPut(large)).build();

    assertFails(EtcdError.NO_SPACE, () -> kv.txn(txn));
    assertThat(kv.range(get("a")).getCount()).isZero();
  }

  @Test
  void txn_sumsTheTopLevelPutsOfABranch() {
    EtcdCluster cluster = start(1, 43, freshSize() + 300);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    RequestOp small = RequestOp.newBuilder().setRequestPut(put("a", "")).build();
    RequestOp other = RequestOp.newBuilder().setRequestPut(put("c", "")).build();

    assertFails(EtcdError.NO_SPACE,
        () -> kv.txn(TxnRequest.newBuilder().addSuccess(small).addSuccess(other).build()));
  }

  @Test
  void txn_withOneSmallPut_fitsTheQuotaThatTwoExceed() {
    EtcdCluster cluster = start(1, 43, freshSize() + 300);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    RequestOp small = RequestOp.newBuilder().setRequestPut(put("a", "")).build();

    assertThat(kv.txn(TxnRequest.newBuilder().addSuccess(small).build()).getSucceeded()).isTrue();
  }

  @Test
  void put_passingTheCheckButAppliedOverQuota_isStoredAndAnswersNoSpace() throws Exception {
    // Two puts pass the check before either is applied; the second then finds the file grown.
    EtcdCluster cluster = start(3, 44, 64 * 1024);
    Member leader = cluster.awaitLeader();
    cluster.network().latency(Duration.ofMillis(10), Duration.ZERO);
    KVGrpc.KVFutureStub kv = clusters.kvAsync(cluster, leader);
    ListenableFuture<PutResponse> first = kv.put(PutRequest.newBuilder().setKey(bytes("a"))
        .setValue(ByteString.copyFrom(new byte[30 * 1024])).build());
    ListenableFuture<PutResponse> second = kv.put(PutRequest.newBuilder().setKey(bytes("b"))
        .setValue(ByteString.copyFrom(new byte[12 * 1024])).build());

    cluster.clock().advance(Duration.ofMillis(200));
    cluster.network().heal();

    assertThat(first.get().getHeader().getRevision()).isEqualTo(2);
    assertThatThrownBy(second::get).isInstanceOf(ExecutionException.class)
        .cause().satisfies(e -> assertIs(EtcdError.NO_SPACE, e));
    assertThat(clusters.kv(cluster, leader).range(serializableGet("b")).getKvs(0)
        .getModRevision()).isEqualTo(3);
    // Every member applied it over its own quota and raised its own alarm.
    assertThat(cluster.alarms().list()).containsExactlyInAnyOrderElementsOf(
        cluster.members().stream().map(EtcdClusterQuotaTest::noSpace).toList());
  }

  @Test
  void put_fittingTheReceiverButNotAnotherMember_raisesThatMembersAlarmAtApply() {
    EtcdCluster cluster = start(3, 45, QUOTA);
    Member leader = cluster.awaitLeader();
    Member follower = follower(cluster);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, follower);
    fill(kv);
    kv.compact(CompactionRequest.newBuilder()
        .setRevision(status(cluster, follower).getHeader().getRevision()).build());
    clusters.maintenance(cluster, follower).defragment(DefragmentRequest.getDefaultInstance());
    cluster.alarms().deactivate(follower, AlarmType.NOSPACE);

    long revision = kv.put(big("k")).getHeader().getRevision();

    assertThat(clusters.kv(cluster, leader).range(get("k")).getKvs(0).getModRevision())
        .isEqualTo(revision);
    List<AlarmMember> alarms = cluster.alarms().list();
    assertThat(alarms).contains(noSpace(leader)).doesNotContain(noSpace(follower));
  }
}
