package dev.fakeetcd.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.DowngradeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The downgrade job is state of the cluster: a member restored from a snapshot has it too. */
class DowngradeSnapshotTest {

  private Cluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  private ManagedChannel channel(long memberId) {
    ManagedChannel c = InProcessChannelBuilder
        .forName(cluster.inProcessName(cluster.memberIds().indexOf(memberId))).directExecutor()
        .build();
    channels.add(c);
    return c;
  }

  @Test
  void enable_missedByAMemberThatCatchesUpBySnapshot_isInProgressThereToo() {
    cluster = MemberEndpoints.start(61, SimConfig.builder().members(3)
        .clockMode(VirtualClock.Mode.MANUAL).snapshotEntries(2).build(), ServerSettings.defaults())
        .cluster();
    long leader = cluster.leaderId().orElseThrow();
    long behind = cluster.memberIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
    synchronized (cluster.lock()) {
      cluster.network().isolate(behind);
    }
    MaintenanceGrpc.newBlockingStub(channel(leader)).downgrade(DowngradeRequest.newBuilder()
        .setAction(DowngradeRequest.DowngradeAction.ENABLE).setVersion("3.3").build());
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(leader));
    for (int i = 0; i < 4; i++) {
      kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k" + i)).build());
    }
    long restoresBefore = snapshotsInstalled(behind);
    synchronized (cluster.lock()) {
      cluster.network().heal();
      cluster.clock().advance(Duration.ofSeconds(1));
    }

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> MaintenanceGrpc.newBlockingStub(channel(behind))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .downgrade(DowngradeRequest.newBuilder().setVersion("3.3").build()));

    assertThat(snapshotsInstalled(behind)).isGreaterThan(restoresBefore);
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getDescription())
        .isEqualTo(EtcdError.DOWNGRADE_IN_PROCESS.message());
  }

  private long snapshotsInstalled(long member) {
    synchronized (cluster.lock()) {
      return cluster.trace().events().stream()
          .filter(ev -> ev.type() == Trace.Type.SNAPSHOT && ev.member() == member
              && ev.detail().startsWith("restore")).count();
    }
  }
}
