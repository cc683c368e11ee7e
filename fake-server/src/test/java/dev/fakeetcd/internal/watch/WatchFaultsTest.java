package dev.fakeetcd.internal.watch;

import static dev.fakeetcd.testing.WatchTestClient.bytes;
import static dev.fakeetcd.testing.WatchTestClient.watch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.transport.HasLeaderInterceptor;
import dev.fakeetcd.testing.WatchTestClient;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Watch streams under faults: dropped client links, a member without leader, a paused member. */
class WatchFaultsTest {

  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  private static final Duration ELECTION = Duration.ofSeconds(1);

  private Cluster cluster;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<WatchTestClient> clients = new ArrayList<>();

  private void start(int basePort) {
    cluster = MemberEndpoints.start(13, SimConfig.builder().members(3).heartbeat(HEARTBEAT)
        .election(ELECTION).clockMode(VirtualClock.Mode.MANUAL).build(),
        ServerSettings.defaults().withBasePort(basePort)).cluster();
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (WatchTestClient c : clients) {
      if (!c.hasEnded()) {
        c.close();
      }
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  private <C extends ManagedChannel> C keep(C channel) {
    channels.add(channel);
    return channel;
  }

  private ManagedChannel inProcess(long memberId) {
    return keep(InProcessChannelBuilder.forName(cluster.inProcessName(index(memberId)))
        .directExecutor().build());
  }

  private WatchTestClient client(Channel channel) {
    WatchTestClient c = new WatchTestClient(channel);
    clients.add(c);
    return c;
  }

  private static Channel requiringLeader(Channel channel) {
    Metadata md = new Metadata();
    md.put(HasLeaderInterceptor.HAS_LEADER, "true");
    return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private int index(long memberId) {
    return cluster.memberIds().indexOf(memberId);
  }

  private long follower() {
    long leader = cluster.leaderId().orElseThrow();
    return cluster.memberIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
  }

  private boolean hasLeader(long memberId) {
    synchronized (cluster.lock()) {
      return cluster.member(memberId).leaderId() != 0;
    }
  }

  private void advance(Duration d) {
    synchronized (cluster.lock()) {
      cluster.clock().advance(d);
    }
  }

  private long now() {
    synchronized (cluster.lock()) {
      return cluster.clock().nanos();
    }
  }

  /** Advances a heartbeat at a time until {@code member} has (or lacks) a leader; bounded. */
  private void advanceUntilLeader(long member, boolean known) {
    for (int i = 0; i < 100 && hasLeader(member) != known; i++) {
      advance(HEARTBEAT);
    }
    assertThat(hasLeader(member)).as("member knows a leader").isEqualTo(known);
  }

  /** When the leader monitor ended the member's hasleader streams, in virtual nanoseconds. */
  private OptionalLong streamsEndedAt(long memberId) {
    synchronized (cluster.lock()) {
      return cluster.trace().events().stream()
          .filter(e -> e.type() == Trace.Type.CLIENT && e.member() == memberId
              && e.detail().startsWith(HasLeaderInterceptor.TRACE_ENDED))
          .mapToLong(Trace.Event::nanos).findFirst();
    }
  }

  @Test
  void drop_tcp_endsTheStreamUnavailableAsARestartedMemberWould() throws Exception {
    start(0);
    URI endpoint = cluster.endpoints().get(0);
    WatchTestClient c = client(keep(NettyChannelBuilder.forAddress(endpoint.getHost(),
        endpoint.getPort()).usePlaintext().build()));
    c.created(watch("k"));

    cluster.dropClientConnections(0);

    assertThat(c.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void hasLeader_memberWithoutLeaderForThreeChecks_endsTheStreamNoLeader() {
    start(-1);
    long member = follower();
    WatchTestClient c = client(requiringLeader(inProcess(member)));
    c.created(watch("k"));

    cluster.network().isolate(member);
    advanceUntilLeader(member, false);
    long lost = now();
    for (int i = 0; i < 50 && streamsEndedAt(member).isEmpty(); i++) {
      advance(HEARTBEAT);
    }

    // Checks run once per election timeout: the third without leader comes 2 to 3 timeouts on.
    OptionalLong ended = streamsEndedAt(member);
    assertThat(ended).isPresent();
    assertThat(ended.getAsLong() - lost)
        .isGreaterThan(ELECTION.multipliedBy(2).minus(HEARTBEAT).toNanos())
        .isLessThanOrEqualTo(ELECTION.multipliedBy(3).toNanos());
    Status status = c.ended();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).isEqualTo("etcdserver: no leader");
  }

  @Test
  void hasLeader_leaderBackBeforeTheThirdCheck_keepsTheStream() {
    start(-1);
    long member = follower();
    WatchTestClient c = client(requiringLeader(inProcess(member)));
    c.created(watch("k"));

    for (int round = 0; round < 3; round++) {    // 4.5 timeouts without leader, never 3 checks
      cluster.network().isolate(member);
      advanceUntilLeader(member, false);
      advance(ELECTION.multipliedBy(3).dividedBy(2));
      cluster.network().heal();
      advanceUntilLeader(member, true);
      advance(ELECTION.plus(HEARTBEAT));          // a check sees the leader
    }
    c.progress();

    assertThat(c.next().getWatchId()).isEqualTo(-1);
    assertThat(streamsEndedAt(member)).isEmpty();
    assertThat(c.hasEnded()).isFalse();
  }

  @Test
  void hasLeader_absent_streamOutlivesTheLeader() {
    start(-1);
    long member = follower();
    WatchTestClient c = client(inProcess(member));
    c.created(watch("k"));

    cluster.network().isolate(member);
    advanceUntilLeader(member, false);
    advance(ELECTION.multipliedBy(5));
    c.progress();

    assertThat(c.next().getWatchId()).isEqualTo(-1);
    assertThat(streamsEndedAt(member)).isEmpty();
  }

  @Test
  void pause_requestsAndEventsWaitForResume_thenComeInOrder() {
    start(-1);
    long member = follower();
    long leader = cluster.leaderId().orElseThrow();
    WatchTestClient c = client(inProcess(member));
    c.created(watch("k"));
    synchronized (cluster.lock()) {
      cluster.member(member).pause();
    }

    long revision = KVGrpc.newBlockingStub(inProcess(leader)).put(PutRequest.newBuilder()
        .setKey(bytes("k")).setValue(bytes("v")).build()).getHeader().getRevision();
    advance(ELECTION);                            // heartbeats carry the commit to the paused member
    c.progress();                                 // waits, like the event
    int beforeResume = c.queued();
    synchronized (cluster.lock()) {
      cluster.member(member).resume();
      cluster.clock().runUntilIdle();
    }
    WatchResponse first = c.next();
    WatchResponse second = c.next();

    assertThat(beforeResume).isZero();
    assertThat(first.getEventsList()).extracting(e -> e.getKv().getModRevision())
        .containsExactly(revision);
    assertThat(second.getWatchId()).isEqualTo(-1);
    assertThat(second.getHeader().getRevision()).isEqualTo(revision);
  }
}
