package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.DefragmentRequest;
import dev.fakeetcd.api.DefragmentResponse;
import dev.fakeetcd.api.DowngradeRequest;
import dev.fakeetcd.api.DowngradeResponse;
import dev.fakeetcd.api.HashKVRequest;
import dev.fakeetcd.api.HashKVResponse;
import dev.fakeetcd.api.HashRequest;
import dev.fakeetcd.api.HashResponse;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.MoveLeaderRequest;
import dev.fakeetcd.api.MoveLeaderResponse;
import dev.fakeetcd.api.SnapshotRequest;
import dev.fakeetcd.api.SnapshotResponse;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.api.StatusResponse;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.Maintenance;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * {@code etcdserverpb.Maintenance} of one member: Status, Alarm, Defragment, Hash, HashKV,
 * Snapshot, MoveLeader, and etcd 3.5's Downgrade.
 */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {

  private final Cluster cluster;
  private final MemberServer member;
  private final Maintenance maintenance;

  public MaintenanceService(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
    this.maintenance = member.maintenance();
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    cluster.call(member, responses, () -> CompletableFuture.completedFuture(maintenance.status()));
  }

  /**
   * etcd hands Alarm's errors to gRPC unconverted ({@code etcdserver/api/v3rpc/maintenance.go},
   * etcd 3.4, returns them without {@code togRPCError}): code Unknown, same text.
   */
  @Override
  public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> {
      CompletableFuture<AlarmResponse> alarm;
      try {
        alarm = maintenance.alarm(request, caller);
      } catch (EtcdException e) {
        alarm = CompletableFuture.failedFuture(e);
      }
      return alarm.exceptionally(failure -> {
        if (EtcdException.cause(failure) instanceof EtcdException e) {
          // The auth store's own error, as etcd's raft request path returns it.
          throw e.error() == EtcdError.INVALID_AUTH_TOKEN
              ? EtcdError.AUTH_RAW_INVALID_TOKEN.toException() : e.error().asUnknownException();
        }
        throw EtcdException.completion(failure);
      });
    });
  }

  @Override
  public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.auth().checkAdminUnconverted(caller)
        .thenApply(ok -> maintenance.defragment()));
  }

  @Override
  public void hash(HashRequest request, StreamObserver<HashResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.auth().checkAdminUnconverted(caller)
        .thenApply(ok -> maintenance.hash()));
  }

  @Override
  public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> responses) {
    SnapshotStream stream = new SnapshotStream(cluster,
        (ServerCallStreamObserver<SnapshotResponse>) responses);
    Credentials caller = CallerToken.current();
    cluster.call(member, stream, () -> member.auth().checkAdminUnconverted(caller)
        .thenApply(ok -> maintenance.snapshot()));
  }

  @Override
  public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> responses) {
    Credentials caller = CallerToken.current();
    cluster.call(member, responses, () -> member.auth().checkAdminUnconverted(caller)
        .thenApply(ok -> maintenance.hashKv(request)));
  }

  /**
   * The wait for the new leader ends only with the call: a client that cancels or whose deadline
   * passes ends it with etcd's leader-transfer timeout, which that client no longer sees.
   */
  @Override
  public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> responses) {
    var call = new Object() {
      CompletableFuture<MoveLeaderResponse> waiting;
      boolean cancelled;
    };
    ((ServerCallStreamObserver<MoveLeaderResponse>) responses).setOnCancelHandler(() -> {
      synchronized (cluster.lock()) {
        call.cancelled = true;
        if (call.waiting != null) {
          call.waiting.completeExceptionally(EtcdError.LEADER_TRANSFER_TIMEOUT.toException());
        }
      }
    });
    cluster.call(member, responses, () -> {
      if (call.cancelled) { // cancelled while the member was paused
        return CompletableFuture.failedFuture(EtcdError.LEADER_TRANSFER_TIMEOUT.toException());
      }
      call.waiting = maintenance.moveLeader(request.getTargetID());
      return call.waiting;
    });
  }

  @Override
  public void downgrade(DowngradeRequest request, StreamObserver<DowngradeResponse> responses) {
    cluster.call(member, responses, () -> maintenance.downgrade(request));
  }
}
