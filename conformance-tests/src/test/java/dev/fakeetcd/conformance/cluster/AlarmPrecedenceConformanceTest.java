package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.kv;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;

/**
 * Both alarm types at once. etcd 3.4 ({@code etcdserver/apply.go}, {@code Alarm}) replaces its
 * whole applier when an alarm type is first raised, so the type raised last is the one enforced;
 * clearing the last alarm of either type restores the plain applier, lifting both.
 */
class AlarmPrecedenceConformanceTest {

  private static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";
  private static final String CORRUPT = "etcdserver: corrupt cluster";

  private static void alarm(PrivateCluster cluster, AlarmRequest.AlarmAction action,
      AlarmType type) {
    long id = maintenance(cluster.channels().get(0)).status(StatusRequest.getDefaultInstance())
        .getHeader().getMemberId();
    maintenance(cluster.channels().get(0)).alarm(AlarmRequest.newBuilder().setAction(action)
        .setMemberID(id).setAlarm(type).build());
  }

  private static PrivateCluster raised(ClusterLauncher launcher, AlarmType first,
      AlarmType second) {
    PrivateCluster cluster = launcher.launch();
    kv(cluster.channels().get(0)).put(put("k"));
    alarm(cluster, AlarmRequest.AlarmAction.ACTIVATE, first);
    alarm(cluster, AlarmRequest.AlarmAction.ACTIVATE, second);
    return cluster;
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).build();
  }

  private static DeleteRangeRequest delete(String key) {
    return DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
  }

  @ConformanceTest
  void corruptThenNospace_nospaceIsEnforced(ClusterLauncher launcher) {
    PrivateCluster cluster = raised(launcher, AlarmType.CORRUPT, AlarmType.NOSPACE);
    KVGrpc.KVBlockingStub kv = kv(cluster.channels().get(0));

    assertFails(() -> kv.put(put("k")), Status.Code.RESOURCE_EXHAUSTED, NO_SPACE);
    assertFails(() -> LeaseGrpc.newBlockingStub(cluster.channels().get(0))
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()),
        Status.Code.RESOURCE_EXHAUSTED, NO_SPACE);
    assertThat(kv.deleteRange(delete("k")).getDeleted()).isEqualTo(1);
  }

  @ConformanceTest
  void nospaceThenCorrupt_corruptIsEnforced(ClusterLauncher launcher) {
    PrivateCluster cluster = raised(launcher, AlarmType.NOSPACE, AlarmType.CORRUPT);
    KVGrpc.KVBlockingStub kv = kv(cluster.channels().get(0));

    assertFails(() -> kv.put(put("k")), Status.Code.DATA_LOSS, CORRUPT);
    assertFails(() -> kv.deleteRange(delete("k")), Status.Code.DATA_LOSS, CORRUPT);
  }

  @ConformanceTest
  void bothRaised_clearingEitherLiftsBoth(ClusterLauncher launcher) {
    PrivateCluster cluster = raised(launcher, AlarmType.NOSPACE, AlarmType.CORRUPT);

    alarm(cluster, AlarmRequest.AlarmAction.DEACTIVATE, AlarmType.NOSPACE);

    assertThat(kv(cluster.channels().get(0)).put(put("k")).getHeader().getRevision())
        .isEqualTo(3);
    assertThat(maintenance(cluster.channels().get(0)).status(StatusRequest.getDefaultInstance())
        .getErrorsList()).hasSize(1);
  }
}
