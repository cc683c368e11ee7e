package dev.fakeetcd;

import static dev.fakeetcd.Clusters.failureOf;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static dev.fakeetcd.Clusters.serializableGet;
import static dev.fakeetcd.testing.WatchTestClient.watch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.UnlockRequest;
import dev.fakeetcd.internal.history.HistoryLog;
import dev.fakeetcd.internal.history.Operation;
import dev.fakeetcd.internal.history.WatchStream;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  @Test
  void record_putRangeTxnDeleteInProcess_okWithTheAnswersTheClientGot() {
    EtcdCluster cluster = clusters.start(3, 1);
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);

    PutResponse put = kv.put(put("k", "v"));
    RangeResponse range = kv.range(get("k"));
    TxnResponse txn = kv.txn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(Clusters.bytes("k"))
            .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.GREATER))
        .addSuccess(RequestOp.newBuilder().setRequestPut(put("k2", "v2"))).build());
    DeleteRangeResponse delete =
        kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(Clusters.bytes("k")).build());

    List<Operation> ops = cluster.history().log().operations();
    assertThat(ops).extracting(Operation::method).containsExactly("etcdserverpb.KV/Put",
        "etcdserverpb.KV/Range", "etcdserverpb.KV/Txn", "etcdserverpb.KV/DeleteRange");
    assertThat(ops).extracting(Operation::response).containsExactly(put, range, txn, delete);
    assertThat(ops).allSatisfy(op -> {
      assertThat(op.outcome()).isEqualTo(Operation.Outcome.OK);
      assertThat(op.member()).isEqualTo(leader.id());
      assertThat(op.invokeSeq()).isLessThan(op.completeSeq());
    });
    for (int i = 1; i < ops.size(); i++) {
      assertThat(ops.get(i).invokeSeq()).isGreaterThan(ops.get(i - 1).completeSeq());
    }
  }

  @Test
  void record_lockAndUnlock_recordsTheWritesLockMakesThroughItsOwnClient() {
    EtcdCluster cluster = clusters.start(3, 11);
    Member leader = cluster.leader().orElseThrow();
    LockGrpc.LockBlockingStub lock = LockGrpc.newBlockingStub(clusters.channel(cluster, leader));
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);

    ByteString key = lock.lock(LockRequest.newBuilder().setName(Clusters.bytes("l")).build())
        .getKey();
    kv.range(get(key.toStringUtf8()));
    lock.unlock(UnlockRequest.newBuilder().setKey(key).build());
    kv.put(put("after", "v"));

    assertThat(cluster.history().log().operations()).extracting(Operation::method)
        .containsSubsequence("v3lockpb.Lock/Lock", "etcdserverpb.Lease/LeaseGrant",
            "etcdserverpb.KV/Txn", "etcdserverpb.KV/Range", "v3lockpb.Lock/Unlock",
            "etcdserverpb.KV/DeleteRange", "etcdserverpb.KV/Put");
    assertThat(cluster.history().linearizabilityViolation()).isEmpty();
  }

  @Test
  void record_putWithAnUnknownLease_isAnErrorWithEtcdsText() {
    EtcdCluster cluster = clusters.start(3, 2);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.leader().orElseThrow());

    catchThrowableOfType(StatusRuntimeException.class,
        () -> kv.put(put("k", "v").toBuilder().setLease(12345).build()));

    Operation op = cluster.history().log().operations().get(0);
    assertThat(op.outcome()).isEqualTo(Operation.Outcome.ERROR);
    assertThat(op.code()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(op.error()).isEqualTo("etcdserver: requested lease not found");
    assertThat(op.response()).isNull();
  }

  @Test
  void record_putInFlightWhenItsMemberCrashes_staysUnknown() throws Exception {
    EtcdCluster cluster = clusters.start(3, 3);
    Member member = follower(cluster);
    cluster.network().isolate(member);
    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, member).put(put("k", "v"));

    member.crash();
    failureOf(put);

    Operation op = cluster.history().log().operations().get(0);
    assertThat(op.outcome()).isEqualTo(Operation.Outcome.UNKNOWN);
    assertThat(op.completeSeq()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void record_putTheClientCancelled_staysUnknownWhenTheMemberLaterAnswers() {
    EtcdCluster cluster = clusters.start(3, 4);
    Member member = follower(cluster);
    cluster.network().isolate(member);
    ListenableFuture<PutResponse> put = clusters.kvAsync(cluster, member).put(put("k", "v"));

    put.cancel(true);
    cluster.clock().advance(Duration.ofSeconds(10)); // past the request timeout

    Operation op = cluster.history().log().operations().get(0);
    assertThat(op.outcome()).isEqualTo(Operation.Outcome.UNKNOWN);
  }

  @Test
  void record_watchStream_keepsEveryRequestAndResponseInOrder() {
    EtcdCluster cluster = clusters.start(3, 5);
    Member leader = cluster.leader().orElseThrow();
    try (WatchTestClient watcher = new WatchTestClient(clusters.channel(cluster, leader))) {
      WatchResponse created = watcher.created(watch("k"));
      clusters.kv(cluster, leader).put(put("k", "v"));
      WatchResponse event = watcher.next();

      WatchStream stream = cluster.history().log().watches().get(0);
      assertThat(stream.member()).isEqualTo(leader.id());
      assertThat(stream.messages()).extracting(WatchStream.StreamMessage::fromClient)
          .containsExactly(true, false, false);
      assertThat(stream.messages().get(0).message().toString()).contains("create_request");
      assertThat(stream.messages()).extracting(WatchStream.StreamMessage::message)
          .endsWith(created, event);
      assertThat(stream.messages().get(0).seq()).isGreaterThan(stream.openSeq());
    }
  }

  @Test
  void record_putOverTcp_isRecordedWithItsAnswer() throws InterruptedException {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(3).seed(6).tcp(true)
        .build());
    Member leader = cluster.leader().orElseThrow();
    URI uri = cluster.endpoints().get(leader.index());
    ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
        .usePlaintext().build();
    try {
      PutResponse put = KVGrpc.newBlockingStub(channel).put(put("k", "v"));

      Operation op = cluster.history().log().operations().get(0);
      assertThat(op.outcome()).isEqualTo(Operation.Outcome.OK);
      assertThat(op.response()).isEqualTo(put);
      assertThat(op.member()).isEqualTo(leader.id());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void record_compactionByTheTest_isAnOkKvCompactOnTheLeader() {
    EtcdCluster cluster = clusters.start(3, 12);
    Member leader = cluster.leader().orElseThrow();
    clusters.kv(cluster, leader).put(put("k", "v"));

    cluster.compact(2);

    Operation op = cluster.history().log().operations().get(1);
    assertThat(op.method()).isEqualTo("etcdserverpb.KV/Compact");
    assertThat(op.request()).isEqualTo(CompactionRequest.newBuilder().setRevision(2).build());
    assertThat(op.outcome()).isEqualTo(Operation.Outcome.OK);
    assertThat(op.member()).isEqualTo(leader.id());
  }

  @Test
  void record_autoCompaction_isAnOkKvCompact() {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(1).seed(13)
        .autoCompaction(AutoCompaction.revision(1)).build());
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.member(0));
    kv.put(put("k", "1"));
    kv.put(put("k", "2"));

    cluster.clock().advance(Duration.ofMinutes(5));

    assertThat(cluster.history().log().operations()).filteredOn(op -> op.method()
        .equals("etcdserverpb.KV/Compact")).singleElement().satisfies(op -> {
          assertThat(op.request()).isEqualTo(CompactionRequest.newBuilder().setRevision(2)
              .build());
          assertThat(op.outcome()).isEqualTo(Operation.Outcome.OK);
        });
  }

  @Test
  void watchGuaranteeViolation_watchFromTheCompactRevisionOfADelete_isEmpty() {
    EtcdCluster cluster = clusters.start(3, 14);
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    kv.put(put("k0", "x"));
    long deleted = kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(Clusters.bytes("k0"))
        .build()).getHeader().getRevision();
    cluster.compact(deleted);
    try (WatchTestClient watcher = new WatchTestClient(clusters.channel(cluster, leader))) {
      watcher.created(watch("k").setRangeEnd(Clusters.bytes("l")).setStartRevision(deleted));
      kv.put(put("k1", "y"));
      kv.put(put("k2", "z"));

      // The DELETE's tombstone went with the compaction: the watch begins with the next put.
      assertThat(watcher.next().getEvents(0).getKv().getKey()).isEqualTo(Clusters.bytes("k1"));
      watcher.next();
      assertThat(cluster.history().watchGuaranteeViolation()).isEmpty();
    }
  }

  @Test
  void history_off_refusesNamingTheSwitch() {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(1).history(false)
        .build());

    assertThatThrownBy(() -> cluster.history().watchGuaranteeViolation())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ClusterConfig.Builder.history(true)");
  }

  @Test
  void history_onOrOff_leavesTheTraceAsItWas() {
    EtcdCluster on = clusters.start(ClusterConfig.builder().members(3).seed(8).build());
    EtcdCluster off = clusters.start(ClusterConfig.builder().members(3).seed(8).history(false)
        .build());

    for (EtcdCluster cluster : List.of(on, off)) {
      KVGrpc.KVBlockingStub kv = clusters.kv(cluster, follower(cluster));
      kv.put(put("k", "v"));
      kv.range(serializableGet("k"));
      cluster.clock().advance(Duration.ofSeconds(2));
    }

    assertThat(on.trace()).isEqualTo(off.trace());
  }

  @Test
  void watchGuaranteeViolation_watchesOnEveryMemberWhileClientsWrite_isEmpty() {
    EtcdCluster cluster = clusters.start(3, 10);
    Member leader = cluster.leader().orElseThrow();
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, leader);
    kv.put(put("a/0", "x"));
    List<WatchTestClient> watchers = cluster.members().stream()
        .map(m -> new WatchTestClient(clusters.channel(cluster, m))).toList();
    try {
      for (WatchTestClient w : watchers) {
        w.created(watch("a/").setRangeEnd(Clusters.bytes("a0")));
        w.created(watch("a/0").setStartRevision(1));
      }
      for (int i = 1; i <= 5; i++) {
        kv.put(put("a/" + i, "v" + i));
      }
      kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(Clusters.bytes("a/1")).build());
      cluster.clock().advance(Duration.ofSeconds(1));
      for (WatchTestClient w : watchers) {
        for (int i = 0; i < 7; i++) { // the resumed watch's put, 5 puts, 1 delete
          w.next();
        }
      }

      assertThat(cluster.history().watchGuaranteeViolation()).isEmpty();
    } finally {
      watchers.forEach(WatchTestClient::close);
    }
  }

  @Test
  void serializableReadViolation_followerReadsBetweenWrites_isEmpty() {
    EtcdCluster cluster = clusters.start(3, 11);
    KVGrpc.KVBlockingStub leader = clusters.kv(cluster, cluster.leader().orElseThrow());
    KVGrpc.KVBlockingStub follower = clusters.kv(cluster, follower(cluster));

    for (int i = 0; i < 5; i++) {
      leader.put(put("k", "v" + i));
      follower.range(serializableGet("k"));
      cluster.clock().advance(Duration.ofMillis(100));
      follower.range(serializableGet("k"));
    }

    HistoryLog log = cluster.history().log();
    assertThat(log.operations()).hasSize(15);
    assertThat(cluster.history().serializableReadViolation()).isEmpty();
  }
}
