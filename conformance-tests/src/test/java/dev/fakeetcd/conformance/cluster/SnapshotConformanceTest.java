package dev.fakeetcd.conformance.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.SnapshotRequest;
import dev.fakeetcd.api.SnapshotResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Maintenance/Snapshot's framing: 32 KiB chunks, each with the bytes still to come, then one
 * message carrying the SHA-256 of the data, and no header in any of them (etcd 3.4:
 * {@code etcdserver/api/v3rpc/maintenance.go}). The data differ (etcd sends its bbolt file, the
 * fake its own format); the stream around them must not.
 */
class SnapshotConformanceTest {

  private static final int CHUNK = 32 * 1024;

  /** Enough data that every target's snapshot spans several chunks. */
  private static void fill(EtcdTarget target) {
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("snapshot-" + i))
          .setValue(ByteString.copyFromUtf8("v".repeat(40_000))).build());
    }
  }

  private static List<SnapshotResponse> snapshot(EtcdTarget target, int member) {
    List<SnapshotResponse> messages = new ArrayList<>();
    MaintenanceGrpc.newBlockingStub(target.channels().get(member))
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .snapshot(SnapshotRequest.getDefaultInstance()).forEachRemaining(messages::add);
    return messages;
  }

  @ConformanceTest
  @Requires(Rpc.SNAPSHOT)
  void snapshot_fullChunksCountingDownToZero_thenTheSha256_withoutHeaders(EtcdTarget target)
      throws Exception {
    fill(target);

    List<SnapshotResponse> messages = snapshot(target, target.memberCount() - 1);

    assertThat(messages).noneMatch(SnapshotResponse::hasHeader);
    List<SnapshotResponse> chunks = messages.subList(0, messages.size() - 1);
    assertThat(chunks).hasSizeGreaterThan(1);
    long total = chunks.stream().mapToLong(m -> m.getBlob().size()).sum();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int i = 0; i < chunks.size(); i++) {
      ByteString blob = chunks.get(i).getBlob();
      if (i < chunks.size() - 1) {
        assertThat(blob.size()).isEqualTo(CHUNK);
      } else {
        assertThat(blob.size()).isBetween(1, CHUNK);
      }
      data.writeBytes(blob.toByteArray());
      assertThat(chunks.get(i).getRemainingBytes()).isEqualTo(total - data.size());
    }
    // etcdctl snapshot save refuses a stream whose size is not a multiple of 512 plus 32.
    assertThat(total % 512).isZero();
    SnapshotResponse checksum = messages.get(messages.size() - 1);
    assertThat(checksum.getRemainingBytes()).isZero();
    assertThat(checksum.getBlob().toByteArray())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data.toByteArray()));
  }
}
