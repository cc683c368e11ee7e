package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.MemberPromoteRequest;
import dev.fakeetcd.api.MemberPromoteResponse;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberRemoveResponse;
import dev.fakeetcd.api.MemberUpdateRequest;
import dev.fakeetcd.api.MemberUpdateResponse;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** {@code etcdserverpb.Cluster} of one member; the member list itself is {@link Membership}. */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {

  private final Cluster cluster;
  private final MemberServer member;

  public ClusterService(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  @Override
  public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> responses) {
    Credentials caller = CallerToken.current();
    configure(responses, () -> cluster.membership().add(member, request, caller));
  }

  @Override
  public void memberRemove(MemberRemoveRequest request,
      StreamObserver<MemberRemoveResponse> responses) {
    Credentials caller = CallerToken.current();
    configure(responses, () -> cluster.membership().remove(member, request, caller));
  }

  @Override
  public void memberUpdate(MemberUpdateRequest request,
      StreamObserver<MemberUpdateResponse> responses) {
    Credentials caller = CallerToken.current();
    configure(responses, () -> cluster.membership().update(member, request, caller));
  }

  /**
   * A membership change waits for the member asked to apply it, with no timeout of its own (etcd's
   * configure waits for the call's context): a client that cancels, or whose deadline passes, ends
   * the wait with etcd's answer for that, which the client no longer sees.
   */
  private <T> void configure(StreamObserver<T> responses, Supplier<CompletableFuture<T>> change) {
    var call = new Object() {
      CompletableFuture<T> waiting;
      volatile boolean ended;
    };
    Context context = Context.current();
    ((ServerCallStreamObserver<T>) responses).setOnCancelHandler(() -> {
      synchronized (cluster.lock()) {
        call.ended = true;
        if (call.waiting != null) {
          call.waiting.completeExceptionally(endedBy(context));
        }
      }
    });
    // Nothing goes out once the call has ended: a crash ends it as a lost connection would.
    StreamObserver<T> answer = new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        if (!call.ended) {
          responses.onNext(value);
        }
      }

      @Override
      public void onError(Throwable t) {
        if (!call.ended) {
          responses.onError(t);
        }
      }

      @Override
      public void onCompleted() {
        if (!call.ended) {
          responses.onCompleted();
        }
      }
    };
    cluster.call(member, answer, () -> {
      if (call.ended) { // cancelled while the member was paused
        return CompletableFuture.failedFuture(endedBy(context));
      }
      call.waiting = change.get();
      return call.waiting;
    });
  }

  /** etcd's parseProposeCtxErr, without the timeout's finer causes: nobody reads it. */
  private static EtcdException endedBy(Context context) {
    return (context.cancellationCause() instanceof TimeoutException
        ? EtcdError.TIMEOUT : EtcdError.REQUEST_CANCELLED).toException();
  }

  @Override
  public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> responses) {
    cluster.call(member, responses,
        () -> CompletableFuture.completedFuture(cluster.membership().list(member)));
  }

  @Override
  public void memberPromote(MemberPromoteRequest request,
      StreamObserver<MemberPromoteResponse> responses) {
    Credentials caller = CallerToken.current();
    configure(responses, () -> cluster.membership().promote(member, request, caller));
  }
}
