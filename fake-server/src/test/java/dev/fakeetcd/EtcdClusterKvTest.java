package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.failureOf;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdClusterKvTest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(7);

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void put_onSingleMember_isReadBackAtItsRevision() {
    EtcdCluster cluster = clusters.start(1, 1);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));

    PutResponse put = kv.put(put("k", "v"));
    RangeResponse range = kv.range(get("k"));

    assertThat(put.getHeader().getRevision()).isEqualTo(2);
    assertThat(range.getKvsList()).singleElement().satisfies(kv1 -> {
      assertThat(kv1.getValue()).isEqualTo(bytes("v"));
      assertThat(kv1.getModRevision()).isEqualTo(2);
    });
  }

  /** The README's first example. */
  @Test
  void isolate_leader_theOthersElectANewLeaderWithoutLosingAcknowledgedWrites() {
    EtcdCluster cluster = clusters.start(3, 42);
    Member leader = cluster.leader().orElseThrow();
    clusters.kv(cluster, leader).put(put("k", "v"));

    cluster.network().isolate(leader);
    cluster.clock().advance(Duration.ofSeconds(3));

    Member next = cluster.leader().orElseThrow();
    assertThat(next).isNotEqualTo(leader);
    assertThat(clusters.kv(cluster, next).range(get("k")).getKvsList())
        .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("v")));
  }

  @Test
  void put_healthyCluster_answersWithoutVirtualTimePassing() {
    EtcdCluster cluster = clusters.start(3, 2);
    long before = cluster.clock().nanos();

    clusters.kv(cluster, follower(cluster)).put(put("k", "v"));

    assertThat(cluster.clock().nanos()).isEqualTo(before);
  }

  @Test
  void put_onFollower_isForwardedToTheLeaderAndAppliedOnEveryMember() {
    EtcdCluster cluster = clusters.start(3, 3);

    long revision = clusters.kv(cluster, follower(cluster)).put(put("k", "v")).getHeader().getRevision();

    for (Member m : cluster.members()) {
      RangeResponse local = clusters.kv(cluster, m).range(serializableGet("k"));
      assertThat(local.getKvsList()).singleElement()
          .satisfies(kv -> assertThat(kv.getModRevision()).isEqualTo(revision));
    }
  }

  @Test
  void range_serializableOnPartitionedMember_isStale() {
    EtcdCluster cluster = clusters.start(3, 4);
    Member isolated = follower(cluster);
    clusters.kv(cluster, cluster.awaitLeader()).put(put("k", "old"));
    cluster.network().isolate(isolated);

    clusters.kv(cluster, cluster.awaitLeader()).put(put("k", "new"));
    RangeResponse stale = clusters.kv(cluster, isolated).range(serializableGet("k"));

    assertThat(stale.getKvs(0).getValue()).isEqualTo(bytes("old"));
  }

  @Test
  void put_onPartitionedMember_timesOutAfterTheRequestTimeout() throws Exception {
    EtcdCluster cluster = clusters.start(3, 5);
    Member isolated = follower(cluster);
    cluster.network().isolate(isolated);

    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, isolated).put(put("k", "v"));
    cluster.clock().advance(REQUEST_TIMEOUT.minusMillis(1));
    boolean doneEarly = put.isDone();
    cluster.clock().advance(Duration.ofMillis(1));

    assertThat(doneEarly).isFalse();
    assertThat(failureOf(put)).satisfies(e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: request timed out");
    });
  }

  @Test
  void range_linearizableOnPartitionedMember_timesOutAfterTheRequestTimeout() throws Exception {
    EtcdCluster cluster = clusters.start(3, 6);
    Member isolated = follower(cluster);
    cluster.network().isolate(isolated);

    ListenableFuture<RangeResponse> range = clusters.kvAsync(cluster, isolated).range(get("k"));
    cluster.clock().advance(REQUEST_TIMEOUT);

    assertThat(failureOf(range).getStatus().getDescription()).isEqualTo("etcdserver: request timed out");
  }

  @Test
  void put_withHasLeaderMetadataOnLeaderlessMember_failsWithNoLeader() {
    EtcdCluster cluster = clusters.start(3, 7);
    Member isolated = follower(cluster);
    cluster.network().isolate(isolated);
    cluster.clock().advance(Duration.ofSeconds(3)); // past its election timeout: it has lost the leader
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER), "true");
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, isolated)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));

    assertThatThrownBy(() -> kv.put(put("k", "v")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: no leader");
        });
  }

  @Test
  void heal_partitionedMemberCatchesUpWithWritesItMissed() {
    EtcdCluster cluster = clusters.start(3, 8);
    Member isolated = follower(cluster);
    cluster.network().isolate(isolated);
    clusters.kv(cluster, cluster.awaitLeader()).put(put("k", "missed"));

    cluster.network().heal();
    cluster.clock().advance(Duration.ofSeconds(5));
    cluster.awaitLeader();

    RangeResponse local = clusters.kv(cluster, isolated).range(serializableGet("k"));
    assertThat(local.getKvs(0).getValue()).isEqualTo(bytes("missed"));
  }

  @Test
  void range_headersCarryTheAnsweringMembersIdAndTerm() {
    EtcdCluster cluster = clusters.start(3, 9);

    for (Member m : cluster.members()) {
      RangeResponse r = clusters.kv(cluster, m).range(get("k"));
      assertThat(r.getHeader().getMemberId()).isEqualTo(m.id());
      assertThat(r.getHeader().getClusterId()).isEqualTo(cluster.clusterId());
      assertThat(r.getHeader().getRaftTerm()).isEqualTo(m.term());
      assertThat(r.getHeader().getRevision()).isEqualTo(1);
    }
  }

  @Test
  void put_requestSizeThresholdMatchesEtcd() {
    EtcdCluster cluster = clusters.start(1, 10);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    ByteString key = bytes("kkkk");

    kv.put(PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFrom(new byte[1_572_824])).build());
    assertThatThrownBy(() -> kv.put(PutRequest.newBuilder().setKey(key)
        .setValue(ByteString.copyFrom(new byte[1_572_844])).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: request is too large");
        });
  }

  @Test
  void put_invalidRequest_failsWithEtcdValidationError() {
    EtcdCluster cluster = clusters.start(1, 11);

    assertThatThrownBy(() -> clusters.kv(cluster, cluster.member(0)).put(put("", "v")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: key is not provided"));
  }

  @Test
  void newCluster_sameSeedAndCalls_giveIdenticalResponses() {
    assertThat(scriptedRun(42)).isEqualTo(scriptedRun(42));
  }

  private List<String> scriptedRun(long seed) {
    EtcdCluster cluster = clusters.start(3, seed);
    KVGrpc.KVBlockingStub viaFollower = clusters.kv(cluster, follower(cluster));
    String put1 = viaFollower.put(put("a", "1")).toString();
    String put2 = viaFollower.put(put("b", "2").toBuilder().setPrevKv(true).build()).toString();
    String range = clusters.kv(cluster, cluster.member(2)).range(get("a")).toString();
    return List.of(put1, put2, range, String.valueOf(cluster.clock().nanos()));
  }

  @Test
  void compact_throughTheCluster_makesOlderRevisionsUnreadable() {
    EtcdCluster cluster = clusters.start(3, 12);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    kv.put(put("k", "1"));
    long second = kv.put(put("k", "2")).getHeader().getRevision();

    cluster.compact(second);

    assertThatThrownBy(() -> kv.range(get("k").toBuilder().setRevision(second - 1).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
            .isEqualTo("etcdserver: mvcc: required revision has been compacted"));
  }
}
