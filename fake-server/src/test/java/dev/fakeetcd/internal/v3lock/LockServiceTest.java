package dev.fakeetcd.internal.v3lock;

import static dev.fakeetcd.testing.Observers.into;
import static dev.fakeetcd.testing.Requests.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseTimeToLiveRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.LockResponse;
import dev.fakeetcd.api.lock.UnlockRequest;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.transport.MemberEndpoints;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.v3client.InProcessClient;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Lock service on a MANUAL clock through in-process gRPC: waiting, cancels, faults. */
class LockServiceTest {

  private Cluster cluster;
  private ManagedChannel channel;

  private void start(int members, int channelTo) {
    cluster = MemberEndpoints.start(11, SimConfig.builder().members(members)
        .clockMode(VirtualClock.Mode.MANUAL).build(), ServerSettings.defaults()).cluster();
    cluster.awaitLeader(Duration.ofSeconds(10));
    channel = InProcessChannelBuilder.forName(cluster.inProcessName(channelTo)).directExecutor()
        .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (cluster == null) {
      return;
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cluster.close();
  }


  private long grant(long ttl) {
    return LeaseGrpc.newBlockingStub(channel)
        .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(ttl).build()).getID();
  }

  private LockResponse lock(String name, long lease) {
    return LockGrpc.newBlockingStub(channel)
        .lock(LockRequest.newBuilder().setName(bs(name)).setLease(lease).build());
  }

  private CompletableFuture<LockResponse> lockAsync(String name, long lease) {
    CompletableFuture<LockResponse> result = new CompletableFuture<>();
    LockGrpc.newStub(channel).lock(LockRequest.newBuilder().setName(bs(name)).setLease(lease)
        .build(), into(result));
    return result;
  }

  private long count(String key) {
    return KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder().setKey(bs(key))
        .build()).getCount();
  }

  private void unlock(ByteString key) {
    LockGrpc.newBlockingStub(channel).unlock(UnlockRequest.newBuilder().setKey(key).build());
  }

  @Test
  void lock_leaseZero_grantsSixtySecondLeaseForItsKey() {
    start(1, 0);

    LockResponse locked = lock("job", 0);

    String key = locked.getKey().toStringUtf8();
    long lease = Long.parseUnsignedLong(key.substring("job/".length()), 16);
    long ttl = LeaseGrpc.newBlockingStub(channel).leaseTimeToLive(
        LeaseTimeToLiveRequest.newBuilder().setID(lease).build()).getGrantedTTL();
    assertThat(ttl).isEqualTo(60);
  }

  @Test
  void lock_held_waiterAcquiresWithHeaderOfItsFinalRange() {
    start(1, 0);
    LockResponse first = lock("job", grant(30));
    CompletableFuture<LockResponse> second = lockAsync("job", grant(30));
    assertThat(second).isNotDone();

    unlock(first.getKey());

    LockResponse acquired = second.join();
    // first key, second key, unlock: the Range that found no older key sees the unlock's revision
    assertThat(acquired.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision() + 2);
  }

  @Test
  void lock_waiterExpiredLeaseOfHolder_acquiresWhenVirtualTimePasses() {
    start(1, 0);
    lock("job", grant(5));
    CompletableFuture<LockResponse> second = lockAsync("job", grant(60));

    cluster.clock().advance(Duration.ofSeconds(4));
    assertThat(second).isNotDone();
    cluster.clock().advance(Duration.ofSeconds(2));

    assertThat(second).isCompleted();
  }

  @Test
  void lock_waiterCancelled_deletesItsKey() {
    start(1, 0);
    lock("job", grant(30));
    long lease = grant(30);
    Context.CancellableContext context = Context.current().withCancellation();
    CompletableFuture<LockResponse> waiting = new CompletableFuture<>();
    context.run(() -> LockGrpc.newStub(channel).lock(LockRequest.newBuilder()
        .setName(bs("job")).setLease(lease).build(), into(waiting)));
    assertThat(count("job/" + Long.toHexString(lease))).isEqualTo(1);

    context.cancel(null);
    cluster.clock().advance(Duration.ofMillis(10));

    assertThat(count("job/" + Long.toHexString(lease))).isZero();
  }

  @Test
  void lock_unknownLease_failsUnknownWithLeaseNotFound() {
    start(1, 0);

    assertThatThrownBy(() -> lock("job", 12345)).isInstanceOfSatisfying(
        StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("etcdserver: requested lease not found");
        });
  }

  @Test
  void lock_memberWithoutQuorum_failsUnknownWithItsTimeout() {
    start(3, 0);
    long leader = cluster.leaderId().orElseThrow();
    long follower = cluster.memberIds().stream().filter(id -> id != leader).findFirst()
        .orElseThrow();
    channel.shutdownNow();
    channel = InProcessChannelBuilder.forName(cluster.inProcessName(
        cluster.memberIds().indexOf(follower))).directExecutor().build();
    long lease = grant(60);
    cluster.network().isolate(follower);

    CompletableFuture<LockResponse> locking = lockAsync("job", lease);
    cluster.clock().advance(Duration.ofSeconds(8));

    assertThat(locking).isCompletedExceptionally();
    assertThatThrownBy(locking::join).cause().isInstanceOfSatisfying(
        StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
          assertThat(e.getStatus().getDescription()).startsWith("etcdserver: request timed out");
        });
  }

  @Test
  void lock_pausedMember_takesTheCallWhenResumed() {
    start(1, 0);
    long lease = grant(30);
    long id = cluster.memberIds().get(0);
    cluster.pause(id);

    CompletableFuture<LockResponse> locking = lockAsync("job", lease);
    cluster.clock().advance(Duration.ofSeconds(1));
    assertThat(locking).isNotDone();
    cluster.resume(id);

    assertThat(locking.join().getKey().toStringUtf8()).isEqualTo("job/" + Long.toHexString(lease));
  }

  @Test
  void keyOf_negativeLease_isGoHexOfTheSignedId() {
    assertThat(InProcessClient.keyOf(bs("job/"), -5).toStringUtf8()).isEqualTo("job/-5");
    assertThat(InProcessClient.keyOf(bs("job/"), Long.MIN_VALUE).toStringUtf8())
        .isEqualTo("job/-8000000000000000");
    assertThat(InProcessClient.keyOf(bs("job/"), 0x2040a1fd9207efb5L).toStringUtf8())
        .isEqualTo("job/2040a1fd9207efb5");
  }
}
