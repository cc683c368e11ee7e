package dev.fakeetcd.internal.v3client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.watch.KeyFeed;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What etcd's Lock and Election services use: a client inside one member (etcd's {@code
 * v3client}, no retries) and the {@code clientv3/concurrency} steps built on it. Every step runs
 * under the cluster lock; a {@link Call} tracks one gRPC call's internal requests, so that virtual
 * time is moved only while one of them is in flight, never while the call merely waits for others.
 */
public final class InProcessClient {

  /** etcd's {@code concurrency.NewSession} default TTL, granted when a request names lease 0. */
  static final long SESSION_TTL = 60;

  private final Cluster cluster;
  private final MemberServer member;

  public InProcessClient(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  public MemberServer member() {
    return member;
  }

  /**
   * One gRPC call: its caller's credentials (its internal requests run as that user, as etcd's
   * v3client passes the call's context on), its internal requests in flight, its cancellation
   * and the watch it waits on.
   */
  public static final class Call {
    private final Credentials caller;
    private int inFlight;
    /** Written under the cluster lock; read by the answer, which is sent outside it. */
    private volatile boolean cancelled;
    private KeyFeed.Subscription waiting;
    private Runnable onCancel = () -> { };

    /** A call of the server's own, with no credentials (etcd's v3client context carries none). */
    public Call() {
      this(Credentials.NONE);
    }

    private Call(Credentials caller) {
      this.caller = caller;
    }

    /** The call this thread serves, as its caller's user. */
    public static Call ofCaller() {
      return new Call(CallerToken.current());
    }

    boolean busy() {
      return inFlight > 0;
    }

    public boolean cancelled() {
      return cancelled;
    }

    public void onCancel(Runnable action) {
      onCancel = action;
    }

    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      if (waiting != null) {
        waiting.cancel();
      }
      onCancel.run();
    }

    <T> CompletableFuture<T> track(CompletableFuture<T> request) {
      inFlight++;
      return request.whenComplete((r, f) -> inFlight--);
    }
  }

  /** The error a client of these services sees: etcd's errors as plain Go errors, code Unknown. */
  static Throwable toStatus(Throwable failure) {
    Throwable cause = EtcdException.cause(failure);
    return cause instanceof EtcdException e ? e.error().asUnknownException()
        : Cluster.toStatus(cause);
  }

  /**
   * Serves a unary call: starts {@code action} under the cluster lock, lets the simulation settle
   * while an internal request is in flight, answers when it completes. A client's cancel ends the
   * call as a cancelled Go context ends etcd's.
   */
  public <T> void unary(StreamObserver<T> observer, Function<Call, CompletableFuture<T>> action) {
    ServerCallStreamObserver<T> responses = (ServerCallStreamObserver<T>) observer;
    Call call = Call.ofCaller();
    responses.setOnCancelHandler(() -> run(call::cancel));
    start(call, responses, action);
  }

  /** A paused member takes the call when it resumes, as {@link Cluster#call} does. */
  private <T> void start(Call call, ServerCallStreamObserver<T> responses,
      Function<Call, CompletableFuture<T>> action) {
    var started = new Object() {
      CompletableFuture<T> future;
    };
    cluster.run(() -> {
      cluster.callLock().trace(member.id(), "");
      if (call.cancelled()) {
        return;
      }
      if (!member.isUp()) {
        cluster.reply(() -> responses.onError(EtcdError.STOPPED.asException()));
        return;
      }
      if (cluster.sim().member(member.id()).isPaused()) {
        member.whenRunning(() -> start(call, responses, action));
        return;
      }
      try {
        started.future = action.apply(call);
      } catch (RuntimeException e) {
        started.future = CompletableFuture.failedFuture(e);
      }
    });
    CompletableFuture<T> future = started.future;
    if (future == null) {
      return;
    }
    settle(call);
    future.whenComplete((response, failure) -> member.whenRunning(() -> cluster.reply(() -> {
      if (call.cancelled()) {
        return;
      }
      if (failure == null) {
        responses.onNext(response);
        responses.onCompleted();
      } else {
        responses.onError(toStatus(failure));
      }
    })));
  }

  /** Runs {@code action} under the cluster lock and settles what it started; any thread. */
  public void run(Runnable action) {
    cluster.run(action);
  }

  /** Moves virtual time (AUTO_ADVANCE) only while {@code call} has a request out. */
  public void settle(Call call) {
    cluster.settle(call::busy);
  }

  // ---- the in-process KV client ----

  /** {@code concurrency.NewSession}: lease 0 grants a fresh 60 s lease, never kept alive. */
  public CompletableFuture<Long> session(Call call, long lease) {
    if (lease != 0) {
      return CompletableFuture.completedFuture(lease);
    }
    LeaseGrantRequest grant = LeaseGrantRequest.newBuilder().setTTL(SESSION_TTL).build();
    return call.track(recorded(LeaseGrpc.getLeaseGrantMethod(), grant,
        () -> member.leases().grant(grant, call.caller))).thenApply(r -> r.getID());
  }

  public CompletableFuture<TxnResponse> txn(Call call, TxnRequest request) {
    return call.track(recorded(KVGrpc.getTxnMethod(), request,
        () -> member.txn(request, call.caller)));
  }

  public CompletableFuture<RangeResponse> range(Call call, RangeRequest request) {
    return call.track(recorded(KVGrpc.getRangeMethod(), request,
        () -> member.range(request, call.caller)));
  }

  public CompletableFuture<DeleteRangeResponse> delete(Call call, ByteString key) {
    DeleteRangeRequest request = DeleteRangeRequest.newBuilder().setKey(key).build();
    return call.track(recorded(KVGrpc.getDeleteRangeMethod(), request,
        () -> member.deleteRange(request, call.caller)));
  }

  /**
   * Starts {@code r}, recorded in the cluster's history as a call of {@code method}: the keys
   * Lock and Election write are the key-value store's, which clients read and the checks judge.
   */
  private <Q extends Message, T extends Message> CompletableFuture<T> recorded(
      MethodDescriptor<Q, T> method, Q request, Supplier<CompletableFuture<T>> r) {
    return cluster.recorded(member.id(), method, request, r);
  }

  // ---- clientv3/concurrency ----

  /** The key of a session under {@code prefix}: Go's {@code %x} of the signed lease ID. */
  public static ByteString keyOf(ByteString prefix, long lease) {
    String hex = lease < 0 ? "-" + Long.toHexString(-lease) : Long.toHexString(lease);
    return prefix.concat(ByteString.copyFromUtf8(hex));
  }

  /** {@code name + "/"}, the prefix a mutex or an election keeps its keys under. */
  public static ByteString prefixOf(ByteString name) {
    return name.concat(ByteString.copyFromUtf8("/"));
  }

  /** The end of the range of all keys with {@code prefix} (clientv3's GetPrefixRangeEnd). */
  public static ByteString prefixEnd(ByteString prefix) {
    byte[] end = prefix.toByteArray();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return ByteString.copyFrom(end, 0, i + 1);
      }
    }
    return ByteString.copyFrom(new byte[] {0});
  }

  /** {@code WithFirstCreate}/{@code WithLastCreate}: the oldest or newest key under a prefix. */
  public static RangeRequest.Builder byCreate(ByteString prefix, RangeRequest.SortOrder order) {
    return RangeRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd(prefix)).setLimit(1)
        .setSortTarget(RangeRequest.SortTarget.CREATE).setSortOrder(order);
  }

  public static Compare createRevisionIs(ByteString key, long revision) {
    return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(revision).build();
  }

  public static RequestOp get(RangeRequest.Builder range) {
    return RequestOp.newBuilder().setRequestRange(range).build();
  }

  /**
   * {@code waitDeletes}: until no key under {@code prefix} was created at or before {@code
   * maxCreateRevision}; completes with the header of the Range that found none.
   */
  public CompletableFuture<ResponseHeader> waitDeletes(Call call, ByteString prefix,
      long maxCreateRevision) {
    RangeRequest newest = byCreate(prefix, RangeRequest.SortOrder.DESCEND)
        .setMaxCreateRevision(maxCreateRevision).build();
    return range(call, newest).thenCompose(r -> {
      if (r.getKvsCount() == 0) {
        return CompletableFuture.completedFuture(r.getHeader());
      }
      return waitDelete(call, r.getKvs(0).getKey(), r.getHeader().getRevision())
          .thenCompose(ignored -> waitDeletes(call, prefix, maxCreateRevision));
    });
  }

  /** {@code waitDelete}: watches {@code key} from {@code revision} until a DELETE event. */
  private CompletableFuture<Void> waitDelete(Call call, ByteString key, long revision) {
    CompletableFuture<Void> deleted = new CompletableFuture<>();
    if (call.cancelled()) {
      deleted.completeExceptionally(new CancellationException());
      return deleted;
    }
    call.waiting = member.feed().subscribe(key, ByteString.EMPTY, revision, batch -> {
      for (Event e : batch.events()) {
        if (e.getType() == Event.EventType.DELETE) {
          call.waiting.cancel();
          call.waiting = null;
          deleted.complete(null);
          return;
        }
      }
    }, deleted::completeExceptionally);
    return deleted;
  }
}
