package dev.fakeetcd.conformance;

import static dev.fakeetcd.conformance.Stubs.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.StatusResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** The harness's promise to tests that reconfigure or fault: clusters of their own, and members. */
class PrivateClusterTest {

  private static final ByteString KEY = ByteString.copyFromUtf8("private");

  private static KVGrpc.KVBlockingStub kv(EtcdTarget target) {
    return KVGrpc.newBlockingStub(target.channels().get(0)).withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @ConformanceTest
  void launch_startsAClusterApartOfTheTargetsSize(EtcdTarget shared, ClusterLauncher launcher) {
    PrivateCluster own = launcher.launch();

    assertThat(own.memberCount()).isEqualTo(shared.memberCount());
    assertThat(own.endpoints()).doesNotContainAnyElementsOf(shared.endpoints());
    kv(own).put(PutRequest.newBuilder().setKey(KEY).build());
    assertThat(kv(shared).range(RangeRequest.newBuilder().setKey(KEY).build()).getCount()).isZero();
  }

  @ConformanceTest
  void startAdded_learnerJoinsOnANewEndpoint(ClusterLauncher launcher) throws Exception {
    PrivateCluster cluster = launcher.launch();
    int before = cluster.memberCount();
    String peerUrl = cluster.newPeerUrl();
    long id = Members.add(cluster, peerUrl, true).getMember().getID();

    cluster.startAdded(id, peerUrl);

    assertThat(cluster.memberCount()).isEqualTo(before + 1);
    StatusResponse learner = status(cluster.channels().get(before));
    assertThat(learner.getHeader().getMemberId()).isEqualTo(id);
    assertThat(learner.getIsLearner()).isTrue();
    assertThat(learner.getLeader()).isEqualTo(status(cluster.channels().get(0)).getLeader());
  }

  @ConformanceTest
  void stop_memberNoLongerAnswers(ClusterLauncher launcher) {
    PrivateCluster cluster = launcher.launch();
    int last = cluster.memberCount() - 1;

    cluster.stop(last);

    assertThatThrownBy(() -> status(cluster.channels().get(last)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }
}
