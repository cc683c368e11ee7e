package dev.fakeetcd;

import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientLinksTest {

  private static final String PUT = "etcdserverpb.KV/Put";

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void failNext_twoPuts_failWithEtcdsErrorAndAreNotApplied() {
    EtcdCluster cluster = clusters.start(1, 21);
    Member member = cluster.member(0);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, member);

    cluster.clientLinks().failNext(member, PUT, 2, EtcdFailure.LEADER_CHANGED);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> kv.put(put("k", "v")))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: leader changed");
          });
    }
    assertThat(kv.put(put("k", "v")).getHeader().getRevision()).isEqualTo(2);
  }

  @Test
  void failNext_otherMethod_isUnaffected() {
    EtcdCluster cluster = clusters.start(1, 22);
    Member member = cluster.member(0);
    cluster.clientLinks().failNext(member, PUT, 1, EtcdFailure.NO_SPACE);

    assertThat(clusters.kv(cluster, member).range(get("k")).getCount()).isZero();
  }

  @Test
  void failNext_otherMember_isUnaffected() {
    EtcdCluster cluster = clusters.start(3, 23);
    cluster.clientLinks().failNext(cluster.member(0), PUT, 1, EtcdFailure.NO_LEADER);

    assertThat(clusters.kv(cluster, cluster.member(1)).put(put("k", "v")).getHeader().getRevision())
        .isEqualTo(2);
  }

  @Test
  void failNext_zeroCount_isRejected() {
    EtcdCluster cluster = clusters.start(1, 24);

    assertThatThrownBy(() -> cluster.clientLinks()
        .failNext(cluster.member(0), PUT, 0, EtcdFailure.TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
  }

  @Test
  void delayResponses_manualClock_answerLeavesOnceTheDelayHasPassed() throws Exception {
    EtcdCluster cluster = clusters.start(1, 25);
    Member member = cluster.member(0);
    cluster.clientLinks().delayResponses(member, Duration.ofSeconds(1));

    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, member).put(put("k", "v"));
    cluster.clock().advance(Duration.ofMillis(999));
    assertThat(put.isDone()).isFalse();

    cluster.clock().advance(Duration.ofMillis(1));
    assertThat(put.get().getHeader().getRevision()).isEqualTo(2);
  }

  @Test
  void delayResponses_autoAdvanceClock_callMovesTimeByTheDelay() {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(1).seed(26)
        .clockMode(VirtualClock.Mode.AUTO_ADVANCE).build());
    Member member = cluster.member(0);
    cluster.clientLinks().delayResponses(member, Duration.ofSeconds(2));
    long before = cluster.clock().nanos();

    clusters.kv(cluster, member).put(put("k", "v"));

    assertThat(cluster.clock().nanos() - before).isEqualTo(Duration.ofSeconds(2).toNanos());
  }

  @Test
  void delayResponses_watchOpenedUnderDelay_createdArrivesOnceTheDelayHasPassed() {
    EtcdCluster cluster = clusters.start(1, 30);
    try (WatchTestClient watch = watchUnderDelay(cluster)) {
      cluster.clock().advance(Duration.ofMillis(999));
      assertThat(watch.queued()).isZero();
      assertThat(watch.hasEnded()).isFalse();

      cluster.clock().advance(Duration.ofMillis(1));
      assertThat(watch.next().getCreated()).isTrue();
    }
  }

  @Test
  void delayResponses_twoEvents_arriveInOrderEachOnceTheDelayHasPassed() throws Exception {
    EtcdCluster cluster = clusters.start(1, 31);
    Member member = cluster.member(0);
    try (WatchTestClient watch = watchUnderDelay(cluster)) {
      cluster.clock().advance(Duration.ofSeconds(1));
      watch.next();

      clusters.kvAsync(cluster, member).put(put("k", "a"));
      cluster.clock().advance(Duration.ofMillis(500));
      clusters.kvAsync(cluster, member).put(put("k", "b"));
      cluster.clock().advance(Duration.ofMillis(500));
      WatchResponse first = watch.next();
      assertThat(watch.queued()).isZero();
      cluster.clock().advance(Duration.ofMillis(500));
      WatchResponse second = watch.next();

      assertThat(first.getEvents(0).getKv().getValue().toStringUtf8()).isEqualTo("a");
      assertThat(second.getEvents(0).getKv().getValue().toStringUtf8()).isEqualTo("b");
    }
  }

  @Test
  void delayResponses_switchedOff_releasesWhatIsHeldAndLaterMessagesGoAtOnce() throws Exception {
    EtcdCluster cluster = clusters.start(1, 32);
    Member member = cluster.member(0);
    try (WatchTestClient watch = watchUnderDelay(cluster)) {
      ListenableFuture<PutResponse> held = clusters.kvAsync(cluster, member).put(put("k", "a"));

      cluster.clientLinks().delayResponses(member, Duration.ZERO);

      assertThat(watch.next().getCreated()).isTrue();
      assertThat(watch.next().getEvents(0).getKv().getValue().toStringUtf8()).isEqualTo("a");
      assertThat(held.get(20, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(2);
      clusters.kv(cluster, member).put(put("k", "b"));
      assertThat(watch.next().getEvents(0).getKv().getValue().toStringUtf8()).isEqualTo("b");
    }
  }

  @Test
  void delayResponses_streamOpenedBefore_laterMessagesAreDelayed() {
    EtcdCluster cluster = clusters.start(1, 33);
    Member member = cluster.member(0);
    try (WatchTestClient watch = new WatchTestClient(clusters.channel(cluster, member))) {
      watch.created(WatchTestClient.watch("k"));
      cluster.clientLinks().delayResponses(member, Duration.ofSeconds(1));

      clusters.kvAsync(cluster, member).put(put("k", "a"));
      cluster.clock().advance(Duration.ofMillis(999));
      assertThat(watch.queued()).isZero();

      cluster.clock().advance(Duration.ofMillis(1));
      assertThat(watch.next().getEvents(0).getKv().getValue().toStringUtf8()).isEqualTo("a");
    }
  }

  /** A watch on key {@code k} of member 0, created after a 1 s delay was set on its link. */
  private WatchTestClient watchUnderDelay(EtcdCluster cluster) {
    Member member = cluster.member(0);
    cluster.clientLinks().delayResponses(member, Duration.ofSeconds(1));
    WatchTestClient watch = new WatchTestClient(clusters.channel(cluster, member));
    watch.create(WatchTestClient.watch("k"));
    return watch;
  }

  @Test
  void clear_removesFailuresAndDelay() {
    EtcdCluster cluster = clusters.start(1, 27);
    Member member = cluster.member(0);
    cluster.clientLinks().failNext(member, PUT, 1, EtcdFailure.TIMEOUT);
    cluster.clientLinks().delayResponses(member, Duration.ofSeconds(1));

    cluster.clientLinks().clear(member);

    assertThat(clusters.kv(cluster, member).put(put("k", "v")).getHeader().getRevision())
        .isEqualTo(2);
  }

  @Test
  void drop_inProcess_callInFlightFailsAndTheChannelReconnects() {
    EtcdCluster cluster = clusters.start(1, 28);
    Member member = cluster.member(0);
    ManagedChannel channel = clusters.channel(cluster, member);
    cluster.clientLinks().delayResponses(member, Duration.ofSeconds(1));
    ListenableFuture<PutResponse> inFlight = KVGrpc.newFutureStub(channel).put(put("k", "v"));

    cluster.clientLinks().drop(member);
    cluster.clientLinks().clear(member);

    assertThatThrownBy(inFlight::get).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(KVGrpc.newBlockingStub(channel).range(get("k")).getCount()).isEqualTo(1);
  }

  @Test
  void drop_tcp_clientReconnectsToTheSamePort() throws Exception {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(1).seed(29).tcp(true)
        .build());
    Member member = cluster.member(0);
    URI endpoint = member.endpoint().orElseThrow();
    ManagedChannel channel = NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
        .usePlaintext().build();
    try {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
      kv.put(put("k", "v"));

      cluster.clientLinks().drop(member);

      assertThat(member.endpoint()).contains(endpoint);
      // As after a real restart, a call the client sent on the closed connection before noticing
      // the close fails UNAVAILABLE; the next one reconnects.
      assertThat(rangeAfterReconnect(kv).getCount()).isEqualTo(1);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static RangeResponse rangeAfterReconnect(KVGrpc.KVBlockingStub kv) {
    for (int attempt = 1; ; attempt++) {
      try {
        return kv.withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS).range(get("k"));
      } catch (StatusRuntimeException e) {
        if (attempt == 3 || e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw e;
        }
      }
    }
  }
}
