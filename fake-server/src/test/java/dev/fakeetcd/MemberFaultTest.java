package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.failureOf;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.otherThan;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How members under process and network faults answer clients, after etcd 3.4. */
class MemberFaultTest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(7);
  private static final Duration PAST_ELECTION = Duration.ofSeconds(3);

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  /** Pauses every member but one, the survivor, and lets it lose its leader. */
  private static Member leaderlessSurvivor(EtcdCluster cluster) {
    Member survivor = Clusters.follower(cluster);
    for (Member m : cluster.members()) {
      if (m != survivor) {
        m.pause();
      }
    }
    cluster.clock().advance(PAST_ELECTION);
    return survivor;
  }

  @Test
  void put_sentWhileLeaderless_succeedsOnceALeaderIsElected() throws Exception {
    EtcdCluster cluster = clusters.start(3, 21);
    Member survivor = leaderlessSurvivor(cluster);

    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, survivor).put(put("k", "v"));
    cluster.clock().advance(Duration.ofSeconds(1));
    otherThan(cluster, survivor).resume();
    cluster.clock().advance(PAST_ELECTION);

    assertThat(put.get(10, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(2);
  }

  @Test
  void put_leaderlessUntilTheRequestTimeout_failsWithGoContextError() throws Exception {
    EtcdCluster cluster = clusters.start(3, 22);
    Member survivor = leaderlessSurvivor(cluster);

    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, survivor).put(put("k", "v"));
    cluster.clock().advance(REQUEST_TIMEOUT.minusMillis(1));
    boolean doneEarly = put.isDone();
    cluster.clock().advance(Duration.ofMillis(1));

    assertThat(doneEarly).isFalse();
    assertThat(failureOf(put).getStatus()).satisfies(s -> {
      assertThat(s.getCode()).isEqualTo(Status.Code.UNKNOWN);
      assertThat(s.getDescription()).isEqualTo("context deadline exceeded");
    });
  }

  @Test
  void range_linearizableWhileLeaderless_failsWithLeaderChangedWhenALeaderIsElected()
      throws Exception {
    EtcdCluster cluster = clusters.start(3, 23);
    Member survivor = leaderlessSurvivor(cluster);

    ListenableFuture<RangeResponse> range = clusters.kvAsync(cluster, survivor).range(get("k"));
    otherThan(cluster, survivor).resume();
    cluster.clock().advance(PAST_ELECTION);

    assertThat(failureOf(range).getStatus()).satisfies(s -> {
      assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(s.getDescription()).isEqualTo("etcdserver: leader changed");
    });
  }

  @Test
  void range_linearizableArrivingDuringAFailingRound_waitsForTheNextRound() throws Exception {
    EtcdCluster cluster = clusters.start(3, 24);
    Member survivor = leaderlessSurvivor(cluster);
    KVGrpc.KVFutureStub kv = clusters.kvAsync(cluster, survivor);

    ListenableFuture<RangeResponse> first = kv.range(get("k"));
    cluster.clock().advance(Duration.ofSeconds(3));
    ListenableFuture<RangeResponse> second = kv.range(get("k"));
    cluster.clock().advance(Duration.ofSeconds(4));
    boolean secondDoneWithFirst = second.isDone();
    cluster.clock().advance(REQUEST_TIMEOUT);

    assertThat(failureOf(first).getStatus().getDescription()).isEqualTo("etcdserver: request timed out");
    assertThat(secondDoneWithFirst).isFalse();
    assertThat(failureOf(second).getStatus().getDescription())
        .isEqualTo("etcdserver: request timed out");
  }

  @Test
  void put_onFollowerThatCannotReachItsLeader_timesOutWithConnectionLost() throws Exception {
    EtcdCluster cluster = clusters.start(3, 25);
    Member leader = cluster.awaitLeader();
    Member follower = Clusters.follower(cluster);
    cluster.network().cut(follower, leader); // it still hears the leader's heartbeats

    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, follower).put(put("k", "v"));
    cluster.clock().advance(REQUEST_TIMEOUT);

    assertThat(failureOf(put).getStatus()).satisfies(s -> {
      assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(s.getDescription())
          .isEqualTo("etcdserver: request timed out, possibly due to connection lost");
    });
  }

  @Test
  void crash_refusesTcpConnectionsUntilRestartServesOnTheSamePort() throws Exception {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(3).seed(26).tcp(true).build());
    Member member = Clusters.follower(cluster);
    URI endpoint = member.endpoint().orElseThrow();

    member.crash();
    assertThatThrownBy(() -> new Socket(endpoint.getHost(), endpoint.getPort()).close())
        .isInstanceOf(ConnectException.class);
    member.restart();
    cluster.clock().advance(Duration.ofSeconds(1)); // it hears from the leader again

    assertThat(member.endpoint()).contains(endpoint);
    ManagedChannel channel = NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
        .usePlaintext().build();
    try {
      KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).put(put("k", "v"));
      assertThat(KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .range(get("k")).getKvs(0).getValue()).isEqualTo(bytes("v"));
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void crash_failsCallsInFlightAsALostConnection() throws Exception {
    EtcdCluster cluster = clusters.start(3, 27);
    Member member = Clusters.follower(cluster);
    cluster.network().isolate(member);
    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, member).put(put("k", "v"));

    member.crash();

    assertThat(failureOf(put).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failureOf(put).getStatus().getDescription()).doesNotStartWith("etcdserver:");
  }

  @Test
  void range_serializableOnPausedMember_answersOnlyAfterResume() throws Exception {
    EtcdCluster cluster = clusters.start(3, 28);
    Member member = Clusters.follower(cluster);
    clusters.kv(cluster, member).put(put("k", "v"));
    member.pause();

    ListenableFuture<RangeResponse> range =
        clusters.kvAsync(cluster, member).range(serializableGet("k"));
    cluster.clock().advance(Duration.ofSeconds(1));
    boolean answeredWhilePaused = range.isDone();
    member.resume();

    assertThat(answeredWhilePaused).isFalse();
    assertThat(range.get(10, TimeUnit.SECONDS).getKvs(0).getValue()).isEqualTo(bytes("v"));
  }
}
