package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.kv;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;

/**
 * The Alarm RPC: activate, list and deactivate on the shared target (always deactivated again),
 * and CORRUPT's effect on writes on a cluster of its own.
 */
class AlarmConformanceTest {


  private static long memberId(EtcdTarget target) {
    return maintenance(target.channels().get(0)).status(StatusRequest.getDefaultInstance())
        .getHeader().getMemberId();
  }

  private static AlarmResponse alarm(EtcdTarget target, AlarmRequest.AlarmAction action, long id,
      AlarmType type) {
    return maintenance(target.channels().get(0)).alarm(AlarmRequest.newBuilder().setAction(action)
        .setMemberID(id).setAlarm(type).build());
  }

  private static AlarmMember member(long id, AlarmType type) {
    return AlarmMember.newBuilder().setMemberID(id).setAlarm(type).build();
  }

  @ConformanceTest
  void activate_answersTheAlarmWithoutHeader_andGetListsIt(EtcdTarget target) {
    long id = memberId(target);
    try {
      AlarmResponse activated = alarm(target, AlarmRequest.AlarmAction.ACTIVATE, id,
          AlarmType.NOSPACE);

      assertThat(activated.hasHeader()).isFalse();
      assertThat(activated.getAlarmsList()).containsExactly(member(id, AlarmType.NOSPACE));
      assertThat(alarm(target, AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE).getAlarmsList())
          .containsExactly(member(id, AlarmType.NOSPACE));
    } finally {
      alarm(target, AlarmRequest.AlarmAction.DEACTIVATE, id, AlarmType.NOSPACE);
    }
  }

  @ConformanceTest
  void deactivate_answersTheRemovedAlarm(EtcdTarget target) {
    long id = memberId(target);
    try {
      alarm(target, AlarmRequest.AlarmAction.ACTIVATE, id, AlarmType.NOSPACE);

      AlarmResponse deactivated = alarm(target, AlarmRequest.AlarmAction.DEACTIVATE, id,
          AlarmType.NOSPACE);

      assertThat(deactivated.getAlarmsList()).containsExactly(member(id, AlarmType.NOSPACE));
      assertThat(alarm(target, AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE).getAlarmsList())
          .isEmpty();
    } finally {
      alarm(target, AlarmRequest.AlarmAction.DEACTIVATE, id, AlarmType.NOSPACE);
    }
  }

  @ConformanceTest
  void deactivate_alarmNotRaised_answersEmpty(EtcdTarget target) {
    AlarmResponse response = alarm(target, AlarmRequest.AlarmAction.DEACTIVATE, memberId(target),
        AlarmType.NOSPACE);

    assertThat(response).isEqualTo(AlarmResponse.getDefaultInstance());
  }

  @ConformanceTest
  void corrupt_refusesDeleteRange_withDataLoss(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    alarm(cluster, AlarmRequest.AlarmAction.ACTIVATE, memberId(cluster), AlarmType.CORRUPT);

    assertFails(() -> kv(cluster.channels().get(0))
        .deleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()),
        Status.Code.DATA_LOSS, "etcdserver: corrupt cluster");
  }
}
