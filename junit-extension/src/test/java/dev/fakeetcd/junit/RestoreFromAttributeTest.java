package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.SnapshotRequest;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

class RestoreFromAttributeTest {

  private static final String SNAPSHOT = "target/restore-from-attribute-test.db";

  /** Saves a snapshot of a cluster holding {@code k = v} at revision 2, as etcdctl would. */
  @BeforeAll
  static void saveSnapshot() throws Exception {
    try (EtcdCluster source = FakeEtcd.newCluster(ClusterConfig.builder().members(1).build())) {
      ManagedChannel channel = source.inProcessChannel(source.member(0));
      try {
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        MaintenanceGrpc.newBlockingStub(channel).snapshot(SnapshotRequest.getDefaultInstance())
            .forEachRemaining(m -> file.writeBytes(m.getBlob().toByteArray()));
        Files.write(Path.of(SNAPSHOT), file.toByteArray());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @EtcdTest(members = 3, tcp = false, restoreFrom = SNAPSHOT)
  void restoreFrom_startsTheClusterWithTheSnapshotsKeysAndRevision(EtcdCluster cluster) {
    assertThat(cluster).hasMembers(3).hasRevision(2).hasKey("k").withValue("v");
  }
}
