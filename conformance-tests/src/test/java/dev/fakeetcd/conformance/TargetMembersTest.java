package dev.fakeetcd.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The harness's promise to raw-stub tests: one channel per member, each reaching that member. */
class TargetMembersTest {

  @ConformanceTest
  void channels_eachReachADistinctMemberOfOneClusterWithOneLeader(EtcdTarget target) {
    assertThat(target.endpoints()).hasSize(target.memberCount());
    assertThat(target.channels()).hasSize(target.memberCount());

    List<StatusResponse> statuses = target.channels().stream()
        .map(channel -> MaintenanceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .status(StatusRequest.getDefaultInstance()))
        .toList();

    List<Long> memberIds = statuses.stream().map(status -> status.getHeader().getMemberId()).toList();
    assertThat(memberIds).doesNotHaveDuplicates();
    assertThat(statuses).extracting(status -> status.getHeader().getClusterId()).containsOnly(
        statuses.get(0).getHeader().getClusterId());
    assertThat(statuses).extracting(StatusResponse::getLeader).containsOnly(statuses.get(0).getLeader());
    assertThat(memberIds).contains(statuses.get(0).getLeader());
  }
}
