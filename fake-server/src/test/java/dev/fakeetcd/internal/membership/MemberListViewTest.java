package dev.fakeetcd.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each member answers from its own applied member list, as etcd 3.4 keeps one per member: a member
 * that has not applied a change does not show it, whatever the others show.
 */
class MemberListViewTest {

  private static final String NEW_PEER = "http://10.0.0.9:2380";
  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

  private Cluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  private void start(long seed, int snapshotEntries) {
    cluster = MemberEndpoints.start(seed, SimConfig.builder().members(3)
        .clockMode(VirtualClock.Mode.MANUAL).snapshotEntries(snapshotEntries).build(),
        ServerSettings.defaults()).cluster();
    advance(HEALTH_INTERVAL);
  }

  private void advance(Duration duration) {
    synchronized (cluster.lock()) {
      cluster.clock().advance(duration);
    }
  }

  private ManagedChannel channel(long memberId) {
    ManagedChannel c = InProcessChannelBuilder
        .forName(cluster.inProcessName(cluster.memberIds().indexOf(memberId))).directExecutor()
        .build();
    channels.add(c);
    return c;
  }

  private ClusterGrpc.ClusterBlockingStub cluster(long memberId) {
    return ClusterGrpc.newBlockingStub(channel(memberId)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private KVGrpc.KVBlockingStub kv(long memberId) {
    return KVGrpc.newBlockingStub(channel(memberId)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private List<Long> listedIds(long memberId) {
    return cluster(memberId).memberList(MemberListRequest.getDefaultInstance()).getMembersList()
        .stream().map(Member::getID).toList();
  }

  private long addLearner(long through) {
    return cluster(through).memberAdd(MemberAddRequest.newBuilder().addPeerURLs(NEW_PEER)
        .setIsLearner(true).build()).getMember().getID();
  }

  private long follower() {
    long leader = cluster.leaderId().orElseThrow();
    return cluster.memberIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
  }

  /** Holds everything the leader sends {@code behind}, so it applies nothing new. */
  private void holdFromLeader(long behind) {
    synchronized (cluster.lock()) {
      cluster.network().hold(cluster.leaderId().orElseThrow(), behind);
    }
  }

  private void heal() {
    synchronized (cluster.lock()) {
      cluster.network().heal();
    }
    advance(Duration.ofSeconds(1));
  }

  private long snapshotsInstalled(long member) {
    synchronized (cluster.lock()) {
      return cluster.trace().events().stream()
          .filter(ev -> ev.type() == Trace.Type.SNAPSHOT && ev.member() == member
              && ev.detail().startsWith("restore")).count();
    }
  }

  @Test
  void memberList_followerBehind_missesAMemberAddedMeanwhileUntilItCatchesUp() {
    start(71, 10_000);
    long leader = cluster.leaderId().orElseThrow();
    long behind = follower();
    holdFromLeader(behind);

    long added = addLearner(leader);

    assertThat(listedIds(leader)).contains(added).hasSize(4);
    assertThat(listedIds(behind)).doesNotContain(added).hasSize(3);
    heal();
    assertThat(listedIds(behind)).contains(added).hasSize(4);
  }

  @Test
  void memberList_restartedMemberCutOff_keepsTheListItApplied() {
    start(72, 2);
    long leader = cluster.leaderId().orElseThrow();
    long added = addLearner(leader);
    for (int i = 0; i < 3; i++) {
      kv(leader).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + i)).build());
    }
    long restarted = follower();

    cluster.crash(restarted);
    synchronized (cluster.lock()) {
      cluster.network().isolate(restarted);
    }
    cluster.restart(restarted);

    assertThat(listedIds(restarted)).contains(added).hasSize(4);
  }

  @Test
  void memberList_memberCatchingUpBySnapshot_getsTheListOfTheSnapshot() {
    start(73, 2);
    long leader = cluster.leaderId().orElseThrow();
    long behind = follower();
    holdFromLeader(behind);
    long added = addLearner(leader);
    synchronized (cluster.lock()) {
      // What was held is lost: the leader must send a snapshot once it has compacted its log.
      cluster.network().isolate(behind);
      cluster.network().release(leader, behind);
    }
    for (int i = 0; i < 4; i++) {
      kv(leader).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + i)).build());
    }
    long installedBefore = snapshotsInstalled(behind);

    heal();

    assertThat(snapshotsInstalled(behind)).isGreaterThan(installedBefore);
    assertThat(listedIds(behind)).contains(added).hasSize(4);
  }

  @Test
  void memberUpdate_startedLearner_servesEverythingButStaysARaftLearner() {
    start(74, 10_000);
    long leader = cluster.leaderId().orElseThrow();
    long learner = addLearner(leader);
    cluster.startAddedMember(learner);
    advance(Duration.ofSeconds(2));

    cluster(leader).memberUpdate(MemberUpdateRequest.newBuilder().setID(learner)
        .addPeerURLs(NEW_PEER).build());
    kv(learner).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build());

    assertThat(kv(learner).range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("k")).build()).getCount()).isEqualTo(1);
    assertThat(MaintenanceGrpc.newBlockingStub(channel(learner))
        .status(StatusRequest.getDefaultInstance()).getIsLearner()).isFalse();
    synchronized (cluster.lock()) {
      assertThat(cluster.member(learner).status().confState().learners()).contains(learner);
    }
  }

  @Test
  void memberPromote_learnerAfterMemberUpdate_isNoLongerALearner() {
    start(75, 10_000);
    long leader = cluster.leaderId().orElseThrow();
    long learner = addLearner(leader);
    cluster.startAddedMember(learner);
    advance(Duration.ofSeconds(2));
    cluster(leader).memberUpdate(MemberUpdateRequest.newBuilder().setID(learner)
        .addPeerURLs(NEW_PEER).build());

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> cluster(leader).memberPromote(MemberPromoteRequest.newBuilder().setID(learner)
            .build()));

    assertThat(e).isNotNull();
    assertThat(e.getStatus().getDescription()).isEqualTo(EtcdError.MEMBER_NOT_LEARNER.message());
  }
}
