package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.HashRequest;
import dev.fakeetcd.api.HashResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.conformance.Await;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Hash and HashKV, each on a cluster of its own so its compaction state is known. Hash values are
 * compared only within one cluster: the fake's Hash is not computed as etcd's.
 */
class HashConformanceTest {


  private static long put(PrivateCluster cluster, String key) {
    return KVGrpc.newBlockingStub(cluster.channels().get(0)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
            .setValue(ByteString.copyFromUtf8("v")).build())
        .getHeader().getRevision();
  }

  private static HashKVResponse hashKv(ManagedChannel channel, long revision) {
    return maintenance(channel).hashKV(HashKVRequest.newBuilder().setRevision(revision).build());
  }

  @ConformanceTest
  void hash_headerIsAtTheCurrentRevision_andEqualOnEveryMember(ClusterLauncher launcher)
      throws Exception {
    PrivateCluster cluster = launcher.launch();
    long revision = put(cluster, "a");

    Await.until("every member has applied the put and hashes alike", () -> {
      Set<Integer> hashes = new HashSet<>();
      for (ManagedChannel channel : cluster.channels()) {
        HashResponse response = maintenance(channel).hash(HashRequest.getDefaultInstance());
        if (response.getHeader().getRevision() != revision) {
          return false;
        }
        hashes.add(response.getHash());
      }
      return hashes.size() == 1;
    });
  }

  @ConformanceTest
  void hashKv_nothingCompacted_compactRevisionIsMinusOne(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    long revision = put(cluster, "a");

    HashKVResponse response = hashKv(cluster.channels().get(0), 0);

    assertThat(response.getCompactRevision()).isEqualTo(-1);
    assertThat(response.getHeader().getRevision()).isEqualTo(revision);
  }

  @ConformanceTest
  void hashKv_atAnOldRevision_ignoresLaterWrites(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    long revision = put(cluster, "a");
    int atRevision = hashKv(cluster.channels().get(0), revision).getHash();

    put(cluster, "b");

    assertThat(hashKv(cluster.channels().get(0), revision).getHash()).isEqualTo(atRevision);
    assertThat(hashKv(cluster.channels().get(0), 0).getHash()).isNotEqualTo(atRevision);
  }

  @ConformanceTest
  void hashKv_futureRevision_failsOutOfRange(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    long revision = put(cluster, "a");

    assertFails(() -> hashKv(cluster.channels().get(0), revision + 10), Status.Code.OUT_OF_RANGE,
        "etcdserver: mvcc: required revision is a future revision");
  }

  @ConformanceTest
  void hashKv_afterCompaction_reportsTheCompactRevision(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    long compacted = put(cluster, "a");
    put(cluster, "b");
    KVGrpc.newBlockingStub(cluster.channels().get(0)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .compact(CompactionRequest.newBuilder().setRevision(compacted).setPhysical(true).build());

    assertThat(hashKv(cluster.channels().get(0), 0).getCompactRevision()).isEqualTo(compacted);
  }
}
