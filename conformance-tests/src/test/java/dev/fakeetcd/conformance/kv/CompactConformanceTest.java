package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static dev.fakeetcd.conformance.kv.Kv.COMPACTED;
import static dev.fakeetcd.conformance.kv.Kv.FUTURE;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.sequence;
import static dev.fakeetcd.conformance.kv.Kv.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;

/**
 * Compaction is global and irreversible on a shared target, so every test here compacts only at
 * the current revision of the moment, which no other test reads below.
 */
class CompactConformanceTest {

  @ConformanceTest
  void compact_atCurrentRevision_succeedsWithoutANewRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    CompactionResponse response = kv(target).compact(CompactionRequest.newBuilder().setRevision(current).build());

    assertThat(response.getHeader().getRevision()).isEqualTo(current);
    assertThat(currentRevision(target)).isEqualTo(current);
  }

  @ConformanceTest
  void compact_physical_succeeds(EtcdTarget target, Client client) {
    long current = put(target, "k", "v");

    var response = await(client.getKVClient().compact(current, CompactOption.newBuilder().withCompactPhysical(true).build()));

    assertThat(response.getHeader().getRevision()).isEqualTo(current);
  }

  @ConformanceTest
  void compact_sameRevisionTwice_failsCompacted(EtcdTarget target) {
    long current = put(target, "k", "v");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(current).build());

    assertFails(() -> kv(target).compact(CompactionRequest.newBuilder().setRevision(current).build()),
        Status.Code.OUT_OF_RANGE, COMPACTED);
  }

  @ConformanceTest
  void compact_zeroAfterACompaction_failsCompacted(EtcdTarget target) {
    long current = put(target, "k", "v");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(current).build());

    assertFails(() -> kv(target).compact(CompactionRequest.newBuilder().setRevision(0).build()),
        Status.Code.OUT_OF_RANGE, COMPACTED);
  }

  @ConformanceTest
  void compact_afterCurrentRevision_failsFutureRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    assertFails(() -> kv(target).compact(CompactionRequest.newBuilder().setRevision(current + 1).build()),
        Status.Code.OUT_OF_RANGE, FUTURE);
  }

  @ConformanceTest
  void range_atTheCompactRevision_returnsTheLatestVersionAtIt(EtcdTarget target, Client client) {
    put(target, "k", "v1");
    long compacted = put(target, "k", "v2");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(compacted).build());
    put(target, "k", "v3");

    GetResponse response = await(client.getKVClient().get(sequence("k"), GetOption.builder().withRevision(compacted).build()));

    assertThat(response.getKvs()).singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(sequence("v2")));
  }

  @ConformanceTest
  void range_belowTheCompactRevision_failsCompacted(EtcdTarget target) {
    long before = put(target, "k", "v1");
    long compacted = put(target, "k", "v2");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(compacted).build());

    assertFails(() -> kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(before).build()),
        Status.Code.OUT_OF_RANGE, COMPACTED);
  }

  @ConformanceTest
  void range_atCurrentRevisionAfterCompaction_keepsLiveKeys(EtcdTarget target) {
    long created = put(target, "k", "v1");
    long compacted = put(target, "k", "v2");

    kv(target).compact(CompactionRequest.newBuilder().setRevision(compacted).build());

    KeyValue stored = single(target, "k");
    assertThat(stored.getValue()).isEqualTo(bytes("v2"));
    assertThat(stored.getCreateRevision()).isEqualTo(created);
    assertThat(stored.getVersion()).isEqualTo(2);
  }

  @ConformanceTest
  void txn_rangeBelowTheCompactRevision_failsCompacted(EtcdTarget target) {
    long before = put(target, "k", "v1");
    long compacted = put(target, "k", "v2");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(compacted).build());
    TxnRequest request = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
        .setRequestRange(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(before))).build();

    assertFails(() -> kv(target).txn(request), Status.Code.OUT_OF_RANGE, COMPACTED);
  }

  @ConformanceTest
  @Requires(Rpc.HASH_KV)
  void hashKv_atTheCompactRevision_failsCompacted(EtcdTarget target) {
    long compacted = put(target, "k", "v");
    kv(target).compact(CompactionRequest.newBuilder().setRevision(compacted).build());

    assertFails(() -> maintenance(target, 0).hashKV(HashKVRequest.newBuilder().setRevision(compacted).build()),
        Status.Code.OUT_OF_RANGE, COMPACTED);
  }
}
