package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.testing.Observers;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MANUAL clock: a call waiting for time nobody moves is named once in a warning. */
class StuckCallWatchdogTest {

  private final LinkedBlockingQueue<LogRecord> warnings = new LinkedBlockingQueue<>();
  private final Logger logger = Logger.getLogger(StuckCallWatchdog.class.getName());
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };
  private Cluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    logger.removeHandler(handler);
    channels.forEach(ManagedChannel::shutdownNow);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void put_waitingOnAStillManualClock_isNamedOnceWithMemberAndFix() throws Exception {
    logger.addHandler(handler);
    MemberEndpoints served = MemberEndpoints.start(61, SimConfig.builder().members(3)
        .clockMode(VirtualClock.Mode.MANUAL).build(), ServerSettings.defaults());
    cluster = served.cluster();
    served.stuckCallWarningAfter(Duration.ofMillis(200));
    long leader = cluster.leaderId().orElseThrow();
    List<Long> ids = cluster.memberIds();
    int first = ids.get(0) == leader ? 1 : 0;
    int second = 3 - ids.indexOf(leader) - first; // the two followers
    cluster.network().isolate(ids.get(first));
    cluster.network().isolate(ids.get(second));

    put(first);
    LogRecord warning = warnings.poll(30, TimeUnit.SECONDS);
    put(second); // its warning comes several watchdog rounds after the first
    LogRecord next = warnings.poll(30, TimeUnit.SECONDS);

    assertThat(warning).isNotNull();
    assertThat(warning.getMessage()).contains("etcdserverpb.KV/Put",
        "member-" + first + " (" + Long.toUnsignedString(ids.get(first), 16) + ")",
        "cluster.clock().advance(", "AUTO_ADVANCE");
    assertThat(next).isNotNull();
    assertThat(next.getMessage()).contains("member-" + second);
    assertThat(warnings).as("no second warning for the same call").isEmpty();
  }

  @Test
  void close_stopsTheWatchdogThread() throws Exception {
    cluster = MemberEndpoints.start(62, SimConfig.builder().members(1)
        .clockMode(VirtualClock.Mode.MANUAL).build(), ServerSettings.defaults()).cluster();

    cluster.close();

    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
        t -> t.getName().equals("fake-etcd-stuck-call-watchdog") && t.isAlive());
  }

  private CompletableFuture<PutResponse> put(int index) {
    ManagedChannel channel = InProcessChannelBuilder.forName(cluster.inProcessName(index))
        .directExecutor().build();
    channels.add(channel);
    CompletableFuture<PutResponse> answer = new CompletableFuture<>();
    KVGrpc.newStub(channel).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
        .build(), Observers.into(answer));
    return answer;
  }
}
