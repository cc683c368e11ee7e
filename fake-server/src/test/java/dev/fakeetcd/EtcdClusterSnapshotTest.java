package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.SnapshotRequest;
import dev.fakeetcd.api.SnapshotResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Maintenance/Snapshot's stream and new clusters restored from what it sent. */
class EtcdClusterSnapshotTest {

  private static final int CHUNK = 32 * 1024;

  private final Clusters clusters = new Clusters();
  @TempDir
  Path dir;

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private List<SnapshotResponse> snapshot(EtcdCluster cluster, Member member) {
    List<SnapshotResponse> messages = new ArrayList<>();
    MaintenanceGrpc.newBlockingStub(clusters.channel(cluster, member))
        .snapshot(SnapshotRequest.getDefaultInstance()).forEachRemaining(messages::add);
    return messages;
  }

  /** What {@code etcdctl snapshot save} writes: every blob, the checksum message's included. */
  private Path save(EtcdCluster cluster, Member member, String name) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (SnapshotResponse m : snapshot(cluster, member)) {
      m.getBlob().writeTo(file);
    }
    return Files.write(dir.resolve(name), file.toByteArray());
  }

  private EtcdCluster restore(int members, long seed, Path file) {
    return clusters.start(ClusterConfig.builder().members(members).seed(seed).restoreFrom(file)
        .build());
  }

  @Test
  void linearizabilityViolation_restoredCluster_saysItCannotJudgeKeysNoCallWrote()
      throws Exception {
    EtcdCluster original = clusters.start(1, 54);
    clusters.kv(original, original.member(0)).put(put("a", "1"));
    EtcdCluster restored = restore(1, 55, save(original, original.member(0), "s.db"));
    clusters.kv(restored, restored.member(0)).range(get("a"));

    assertThat(restored.history().linearizabilityViolation()).hasValueSatisfying(m ->
        assertThat(m).contains("cannot be checked").contains("started from a snapshot"));
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static RangeRequest all() {
    return RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0")).build();
  }

  private static String value(int size, char c) {
    return String.valueOf(c).repeat(size);
  }

  @Test
  void snapshot_sendsFullChunksCountingDown_thenTheSha256OfTheData() throws Exception {
    EtcdCluster cluster = clusters.start(3, 51);
    KVGrpc.KVBlockingStub kv = clusters.kv(cluster, cluster.awaitLeader());
    for (int i = 0; i < 20; i++) {
      kv.put(put("key-" + i, value(5_000, 'a')));
    }

    List<SnapshotResponse> messages = snapshot(cluster, follower(cluster));

    List<SnapshotResponse> chunks = messages.subList(0, messages.size() - 1);
    long total = chunks.stream().mapToLong(m -> m.getBlob().size()).sum();
    assertThat(total).isGreaterThan(3 * CHUNK);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int i = 0; i < chunks.size(); i++) {
      SnapshotResponse chunk = chunks.get(i);
      if (i < chunks.size() - 1) {
        assertThat(chunk.getBlob().size()).isEqualTo(CHUNK);
      } else {
        assertThat(chunk.getBlob().size()).isBetween(1, CHUNK);
      }
      chunk.getBlob().writeTo(data);
      assertThat(chunk.getRemainingBytes()).isEqualTo(total - data.size());
    }
    SnapshotResponse checksum = messages.get(messages.size() - 1);
    assertThat(checksum.getRemainingBytes()).isZero();
    assertThat(checksum.getBlob().toByteArray()).isEqualTo(sha256(data.toByteArray()));
    assertThat(messages).noneMatch(SnapshotResponse::hasHeader);
  }

  @Test
  void restore_newCluster_hasTheSameKeysRevisionsAndCompactedHistory() throws Exception {
    EtcdCluster original = clusters.start(3, 52);
    KVGrpc.KVBlockingStub kv = clusters.kv(original, original.awaitLeader());
    kv.put(put("a", "1"));
    kv.put(put("b", "1"));
    kv.put(put("a", "2"));
    kv.put(put("c", "1"));
    kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("b")).build());
    kv.put(put("a", "3"));
    original.compact(4);
    Path file = save(original, follower(original), "s.db");

    EtcdCluster restored = restore(1, 53, file);
    KVGrpc.KVBlockingStub copy = clusters.kv(restored, restored.member(0));

    RangeResponse before = kv.range(all());
    RangeResponse after = copy.range(all());
    assertThat(after.getKvsList()).isEqualTo(before.getKvsList());
    assertThat(after.getHeader().getRevision()).isEqualTo(7);
    RangeRequest atFive = all().toBuilder().setRevision(5).build();
    assertThat(copy.range(atFive).getKvsList()).isEqualTo(kv.range(atFive).getKvsList());
    assertThatThrownBy(() -> copy.range(all().toBuilder().setRevision(3).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getDescription()).isEqualTo(
                "etcdserver: mvcc: required revision has been compacted"));
    HashKVResponse hash = MaintenanceGrpc.newBlockingStub(clusters.channel(restored,
        restored.member(0))).hashKV(HashKVRequest.getDefaultInstance());
    HashKVResponse originalHash = MaintenanceGrpc.newBlockingStub(clusters.channel(original,
        original.member(0))).hashKV(HashKVRequest.getDefaultInstance());
    assertThat(hash.getHash()).isEqualTo(originalHash.getHash());
    assertThat(hash.getCompactRevision()).isEqualTo(4);
  }

  @Test
  void restore_newCluster_hasTheNewConfigurationsMembersAndTakesWrites() throws Exception {
    EtcdCluster original = clusters.start(1, 54);
    clusters.kv(original, original.member(0)).put(put("k", "v"));
    Path file = save(original, original.member(0), "s.db");

    EtcdCluster restored = restore(5, 55, file);
    Member leader = restored.awaitLeader();

    assertThat(restored.members()).hasSize(5);
    assertThat(clusters.kv(restored, leader).put(put("k", "w")).getHeader().getRevision())
        .isEqualTo(3);
    for (Member m : restored.members()) {
      assertThat(clusters.kv(restored, m).range(Clusters.serializableGet("k")).getKvs(0)
          .getVersion()).isEqualTo(2);
    }
  }

  @Test
  void restore_leasesSurviveWithTheirFullTtl_andExpireWithTheirKeys() throws Exception {
    EtcdCluster original = clusters.start(3, 56);
    Member leader = original.awaitLeader();
    long id = LeaseGrpc.newBlockingStub(clusters.channel(original, leader))
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID();
    clusters.kv(original, leader).put(put("k", "v").toBuilder().setLease(id).build());
    original.clock().advance(Duration.ofSeconds(20));
    Path file = save(original, leader, "s.db");

    EtcdCluster restored = restore(3, 56, file);
    // The original had 10 s left; the new leader gives the full TTL plus an election timeout.
    assertThat(restored.leases().list()).singleElement().satisfies(lease -> {
      assertThat(lease.id()).isEqualTo(id);
      assertThat(lease.grantedTtl()).isEqualTo(30);
      assertThat(lease.remaining()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(31));
    });
    KVGrpc.KVBlockingStub kv = clusters.kv(restored, restored.awaitLeader());
    restored.clock().advance(Duration.ofSeconds(30));
    assertThat(kv.range(Clusters.get("k")).getCount()).isEqualTo(1);
    restored.clock().advance(Duration.ofSeconds(2));

    assertThat(kv.range(Clusters.get("k")).getCount()).isZero();
    assertThat(restored.leases().list()).isEmpty();
  }

  @Test
  void restore_sameSeed_newLeaseIdsDoNotRepeatRestoredOnes() throws Exception {
    EtcdCluster original = clusters.start(1, 57);
    LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(
        clusters.channel(original, original.member(0)));
    long restoredId = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
    Path file = save(original, original.member(0), "s.db");

    EtcdCluster restored = restore(1, 57, file);
    long newId = LeaseGrpc.newBlockingStub(clusters.channel(restored, restored.member(0)))
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();

    assertThat(newId).isNotEqualTo(restoredId);
    assertThat(restored.leases().list()).extracting(LeaseInfo::id)
        .containsExactlyInAnyOrder(restoredId, newId);
  }

  @Test
  void restore_keepsAlarms() throws Exception {
    EtcdCluster original = clusters.start(1, 58);
    Member only = original.member(0);
    original.alarms().activate(only, AlarmType.NOSPACE);
    Path file = save(original, only, "s.db");

    EtcdCluster restored = restore(3, 59, file);

    assertThat(restored.alarms().list()).containsExactly(AlarmMember.newBuilder()
        .setMemberID(only.id()).setAlarm(AlarmType.NOSPACE).build());
    assertThatThrownBy(() -> clusters.kv(restored, restored.awaitLeader()).put(put("k", "v")))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void restoreFrom_corruptTrailer_failsNamingTheFile() throws Exception {
    EtcdCluster original = clusters.start(1, 60);
    Path file = save(original, original.member(0), "s.db");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);

    assertThatThrownBy(() -> ClusterConfig.builder().restoreFrom(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + " is a corrupt fake-etcd snapshot: its SHA-256 trailer");
  }

  @Test
  void restoreFrom_truncatedFile_failsAsCorrupt() throws Exception {
    EtcdCluster original = clusters.start(1, 61);
    Path file = save(original, original.member(0), "s.db");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));

    assertThatThrownBy(() -> ClusterConfig.builder().restoreFrom(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is a corrupt fake-etcd snapshot");
  }

  @Test
  void restoreFrom_boltDatabase_saysItIsNotAFakeEtcdSnapshot() throws Exception {
    // The start of a bbolt file: page id, flags, counts, then the meta page's magic at offset 16.
    byte[] bolt = new byte[4096 + 32];
    ByteBuffer.wrap(bolt).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0xED0CDAED);
    Path file = Files.write(dir.resolve("real.db"), bolt);

    assertThatThrownBy(() -> ClusterConfig.builder().restoreFrom(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + " is not a fake-etcd snapshot but a bbolt database (a real etcd's"
            + " snapshot?); fake-etcd restores only snapshots saved from fake-etcd");
  }

  @Test
  void restoreFrom_missingFile_failsUnchecked() {
    Path file = dir.resolve("none.db");

    assertThatThrownBy(() -> ClusterConfig.builder().restoreFrom(file))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot read snapshot " + file);
  }

  @Test
  void snapshot_onPausedMember_isTakenOnlyAfterResume() throws Exception {
    EtcdCluster cluster = clusters.start(3, 62);
    Member member = follower(cluster);
    member.pause();
    Collector collector = new Collector();

    MaintenanceGrpc.newStub(clusters.channel(cluster, member))
        .snapshot(SnapshotRequest.getDefaultInstance(), collector);
    clusters.kv(cluster, cluster.awaitLeader()).put(put("k", "written while paused"));
    cluster.clock().advance(Duration.ofSeconds(1));
    boolean answeredWhilePaused = collector.received();
    member.resume();

    assertThat(answeredWhilePaused).isFalse();
    Path file = Files.write(dir.resolve("s.db"), collector.done.get(10, TimeUnit.SECONDS));
    EtcdCluster restored = restore(1, 63, file);
    assertThat(clusters.kv(restored, restored.member(0)).range(Clusters.get("k")).getKvs(0)
        .getValue()).isEqualTo(bytes("written while paused"));
  }

  @Test
  void snapshot_onCrashedMember_failsAsALostConnection() {
    EtcdCluster cluster = clusters.start(3, 64);
    Member member = follower(cluster);
    MaintenanceGrpc.MaintenanceBlockingStub stub =
        MaintenanceGrpc.newBlockingStub(clusters.channel(cluster, member));
    member.crash();

    assertThatThrownBy(() -> stub.snapshot(SnapshotRequest.getDefaultInstance()).next())
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  /** Collects a snapshot stream's blobs into a file's bytes. */
  private static final class Collector implements StreamObserver<SnapshotResponse> {
    final CompletableFuture<byte[]> done = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile boolean received;

    boolean received() {
      return received;
    }

    @Override
    public void onNext(SnapshotResponse value) {
      received = true;
      synchronized (bytes) {
        bytes.writeBytes(value.getBlob().toByteArray());
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      synchronized (bytes) {
        done.complete(bytes.toByteArray());
      }
    }
  }
}
