package dev.fakeetcd.conformance.cluster;

import static dev.fakeetcd.conformance.Failures.assertStatus;
import static dev.fakeetcd.conformance.Stubs.maintenance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DefragmentRequest;
import dev.fakeetcd.api.DefragmentResponse;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.PrivateCluster;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The backend quota and its NOSPACE alarm, filled for real on a private cluster with a small
 * quota, and Defragment. Sizes are etcd's own on a real etcd and an estimate on the fake, so the
 * tests assert how sizes move, never their values or the put at which the quota runs out.
 */
class QuotaConformanceTest {

  private static final String NO_SPACE = "etcdserver: mvcc: database space exceeded";
  private static final long QUOTA = 1024 * 1024;
  private static final ByteString VALUE = ByteString.copyFrom(new byte[64 * 1024]);
  /** Far more than {@link #QUOTA} needs; a bound, not an expectation. */
  private static final int MAX_PUTS = 100;

  private static KVGrpc.KVBlockingStub kv(EtcdTarget target, int member) {
    return KVGrpc.newBlockingStub(target.channels().get(member))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static StatusResponse status(EtcdTarget target, int member) {
    return maintenance(target, member).status(StatusRequest.getDefaultInstance());
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  private static PutRequest put(String key, ByteString value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(value).build();
  }

  private static List<AlarmMember> alarms(EtcdTarget target) {
    return maintenance(target, 0).alarm(AlarmRequest.newBuilder()
        .setAction(AlarmRequest.AlarmAction.GET).build()).getAlarmsList();
  }

  private static void assertNoSpace(Throwable failure) {
    assertStatus(failure, Status.Code.RESOURCE_EXHAUSTED, NO_SPACE);
  }

  /** Overwrites one key through member 0 until a put fails; returns that failure. */
  private static StatusRuntimeException fill(EtcdTarget target) {
    for (int i = 0; i < MAX_PUTS; i++) {
      try {
        kv(target, 0).put(put("fill", VALUE));
      } catch (StatusRuntimeException e) {
        return e;
      }
    }
    throw new AssertionError(target.name() + ": no put failed in " + MAX_PUTS + " puts of "
        + VALUE.size() + " bytes under a quota of " + QUOTA);
  }

  @ConformanceTest
  void quota_filled_stopsPutsUntilCompactDefragmentAndDisarm(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch(QUOTA);
    kv(cluster, 0).put(put("victim", bytes("v")));
    long emptySize = status(cluster, 0).getDbSize();

    assertNoSpace(fill(cluster));

    // Every member that went over raised its own alarm (on the fake: the receiving member).
    List<Long> ids = new ArrayList<>();
    for (int m = 0; m < cluster.memberCount(); m++) {
      ids.add(status(cluster, m).getHeader().getMemberId());
    }
    List<AlarmMember> raised = alarms(cluster);
    assertThat(raised).isNotEmpty().allSatisfy(a -> {
      assertThat(a.getAlarm()).isEqualTo(AlarmType.NOSPACE);
      assertThat(ids).contains(a.getMemberID());
    });
    StatusResponse full = status(cluster, 0);
    assertThat(full.getDbSize()).isGreaterThan(emptySize);
    assertThat(full.getErrorsList()).isNotEmpty();
    // Reads and deletes go on; puts, even malformed ones, are refused before validation.
    assertThat(kv(cluster, 0).range(RangeRequest.newBuilder().setKey(bytes("fill")).build())
        .getCount()).isEqualTo(1);
    assertThat(kv(cluster, 0).deleteRange(DeleteRangeRequest.newBuilder()
        .setKey(bytes("victim")).build()).getDeleted()).isEqualTo(1);
    assertThatThrownBy(() -> kv(cluster, 0).put(put("other", bytes("v"))))
        .satisfies(QuotaConformanceTest::assertNoSpace);
    assertThatThrownBy(() -> kv(cluster, 0).put(PutRequest.newBuilder()
        .setValue(ByteString.copyFrom(new byte[512 * 1024])).build()))
        .satisfies(QuotaConformanceTest::assertNoSpace);

    long revision = status(cluster, 0).getHeader().getRevision();
    kv(cluster, 0).compact(CompactionRequest.newBuilder().setRevision(revision).setPhysical(true)
        .build());
    assertThat(status(cluster, 0).getDbSize()).as("compaction never shrinks the file")
        .isGreaterThanOrEqualTo(full.getDbSize());
    for (int m = 0; m < cluster.memberCount(); m++) {
      assertThat(maintenance(cluster, m).defragment(DefragmentRequest.getDefaultInstance()))
          .isEqualTo(DefragmentResponse.getDefaultInstance());
    }
    assertThat(status(cluster, 0).getDbSize()).isLessThan(full.getDbSize());
    disarm(cluster, raised);

    assertThat(putAfterRecovery(cluster).getHeader().getRevision()).isGreaterThan(revision);
    assertThat(alarms(cluster)).isEmpty();
  }

  private static void disarm(EtcdTarget target, List<AlarmMember> alarms) {
    for (AlarmMember alarm : alarms) {
      maintenance(target, 0).alarm(AlarmRequest.newBuilder()
          .setAction(AlarmRequest.AlarmAction.DEACTIVATE).setMemberID(alarm.getMemberID())
          .setAlarm(AlarmType.NOSPACE).build());
    }
  }

  /**
   * A real etcd refreshes a member's size figures only when a backend transaction begins, so right
   * after a defragment a put may still see the old size and raise the alarm again: disarm and
   * retry, a bounded number of times, as an operator would.
   */
  private static PutResponse putAfterRecovery(EtcdTarget target) {
    for (int attempt = 1; ; attempt++) {
      try {
        return kv(target, 0).put(put("after", VALUE));
      } catch (StatusRuntimeException e) {
        assertNoSpace(e);
        if (attempt == 10) {
          throw e;
        }
        sleepQuietly(200);
        disarm(target, alarms(target));
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @ConformanceTest
  void defragment_onEveryMember_answersEmptyWithoutHeader(EtcdTarget target) {
    for (int m = 0; m < target.memberCount(); m++) {
      DefragmentResponse response = maintenance(target, m)
          .defragment(DefragmentRequest.getDefaultInstance());

      assertThat(response.hasHeader()).isFalse();
      assertThat(response).isEqualTo(DefragmentResponse.getDefaultInstance());
    }
  }

  @ConformanceTest
  void status_afterDefragment_hasAFileAtLeastAsLargeAsWhatIsInUse(EtcdTarget target) {
    kv(target, 0).put(put("k", VALUE));
    for (int m = 0; m < target.memberCount(); m++) {
      maintenance(target, m).defragment(DefragmentRequest.getDefaultInstance());

      StatusResponse status = status(target, m);

      assertThat(status.getDbSizeInUse()).isPositive();
      assertThat(status.getDbSize()).isGreaterThanOrEqualTo(status.getDbSizeInUse());
    }
  }
}
