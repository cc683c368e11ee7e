package dev.fakeetcd.internal.v3election;

import static dev.fakeetcd.testing.Requests.bs;
import static dev.fakeetcd.testing.Observers.into;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.election.CampaignRequest;
import dev.fakeetcd.api.election.CampaignResponse;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.election.LeaderRequest;
import dev.fakeetcd.api.election.LeaderResponse;
import dev.fakeetcd.api.election.ProclaimRequest;
import dev.fakeetcd.api.election.ResignRequest;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Election service of a one-member cluster on a MANUAL clock, through in-process gRPC. */
class ElectionServiceTest {

  private Cluster cluster;
  private ManagedChannel channel;
  private ElectionGrpc.ElectionBlockingStub election;

  @BeforeEach
  void start() {
    cluster = MemberEndpoints.start(13, SimConfig.builder().members(1)
        .clockMode(VirtualClock.Mode.MANUAL).build(), ServerSettings.defaults()).cluster();
    channel = InProcessChannelBuilder.forName(cluster.inProcessName(0)).directExecutor().build();
    election = ElectionGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cluster.close();
  }

  private long grant(long ttl) {
    return LeaseGrpc.newBlockingStub(channel)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build()).getID();
  }

  private CampaignResponse campaign(String name, long lease, String value) {
    return election.campaign(CampaignRequest.newBuilder().setName(bs(name)).setLease(lease)
        .setValue(bs(value)).build());
  }

  private CompletableFuture<CampaignResponse> campaignAsync(String name, long lease, String value) {
    CompletableFuture<CampaignResponse> result = new CompletableFuture<>();
    ElectionGrpc.newStub(channel).campaign(CampaignRequest.newBuilder().setName(bs(name))
        .setLease(lease).setValue(bs(value)).build(), into(result));
    return result;
  }

  /** Observed values, recorded from the stream. */
  private List<String> observe(String name, Context.CancellableContext context) {
    List<String> seen = new CopyOnWriteArrayList<>();
    context.run(() -> ElectionGrpc.newStub(channel).observe(
        LeaderRequest.newBuilder().setName(bs(name)).build(), new StreamObserver<>() {
          @Override
          public void onNext(LeaderResponse r) {
            seen.add(r.getKv().getValue().toStringUtf8());
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        }));
    return seen;
  }

  /** The sender pool delivers Observe responses off the clock; bounded wait for them. */
  private static void awaitSize(List<String> seen, int size) throws InterruptedException {
    for (int i = 0; i < 500 && seen.size() < size; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void campaign_sameLeaseNewValue_reproclaimsButKeepsFirstTxnHeader() {
    long lease = grant(30);
    campaign("e", lease, "a");

    CampaignResponse again = campaign("e", lease, "b");

    var kv = KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
        .setKey(again.getLeader().getKey()).build());
    assertThat(kv.getKvs(0).getValue().toStringUtf8()).isEqualTo("b");
    assertThat(kv.getKvs(0).getModRevision()).isEqualTo(again.getHeader().getRevision() + 1);
  }

  @Test
  void campaign_waiting_winsWhenLeaderResignsKeepingItsTxnHeader() {
    CampaignResponse first = campaign("e", grant(30), "a");
    CompletableFuture<CampaignResponse> second = campaignAsync("e", grant(30), "b");
    assertThat(second).isNotDone();

    election.resign(ResignRequest.newBuilder().setLeader(first.getLeader()).build());

    // the second key is the next revision after the first; the resign comes after it
    long secondKey = first.getHeader().getRevision() + 1;
    assertThat(second.join().getHeader().getRevision()).isEqualTo(secondKey);
    assertThat(second.join().getLeader().getRev()).isEqualTo(secondKey);
  }

  @Test
  void campaign_waitingCancelled_resignsItsKey() {
    campaign("e", grant(30), "a");
    long lease = grant(30);
    Context.CancellableContext context = Context.current().withCancellation();
    context.run(() -> ElectionGrpc.newStub(channel).campaign(CampaignRequest.newBuilder()
        .setName(bs("e")).setLease(lease).setValue(bs("b")).build(),
        into(new CompletableFuture<>())));

    context.cancel(null);
    cluster.clock().advance(Duration.ofMillis(10));

    assertThat(KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
        .setKey(bs("e/" + Long.toHexString(lease))).build()).getCount()).isZero();
  }

  @Test
  void proclaim_afterLeaderKeyRecreated_failsNotLeader() {
    long lease = grant(30);
    CampaignResponse won = campaign("e", lease, "a");
    election.resign(ResignRequest.newBuilder().setLeader(won.getLeader()).build());
    campaign("e", lease, "a");

    assertThatThrownBy(() -> election.proclaim(ProclaimRequest.newBuilder()
        .setLeader(won.getLeader()).setValue(bs("x")).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
          assertThat(e.getStatus().getDescription()).isEqualTo("election: not leader");
        });
  }

  @Test
  void observe_noLeader_waitsForFirstCampaignThenFollowsProclaimsAndSuccessors()
      throws InterruptedException {
    Context.CancellableContext context = Context.current().withCancellation();
    List<String> seen = observe("e", context);
    CampaignResponse first = campaign("e", grant(30), "a");
    CompletableFuture<CampaignResponse> second = campaignAsync("e", grant(30), "c");

    election.proclaim(ProclaimRequest.newBuilder().setLeader(first.getLeader())
        .setValue(bs("b")).build());
    election.resign(ResignRequest.newBuilder().setLeader(first.getLeader()).build());
    second.join();
    awaitSize(seen, 3);
    context.cancel(null);

    assertThat(seen).containsExactly("a", "b", "c");
  }

  @Test
  void observe_leaderLeaseExpiresInVirtualTime_nextLeaderObserved() throws InterruptedException {
    campaign("e", grant(5), "a");
    CompletableFuture<CampaignResponse> second = campaignAsync("e", grant(60), "b");
    Context.CancellableContext context = Context.current().withCancellation();
    List<String> seen = observe("e", context);
    awaitSize(seen, 1);

    cluster.clock().advance(Duration.ofSeconds(7));
    awaitSize(seen, 2);
    context.cancel(null);

    assertThat(second).isCompleted();
    assertThat(seen).containsExactly("a", "b");
  }
}
