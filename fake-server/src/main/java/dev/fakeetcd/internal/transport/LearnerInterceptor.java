package dev.fakeetcd.internal.transport;

import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.StatusRequest;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * etcd 3.4's refusal of calls on a learner: while the member has applied a configuration in which
 * it is a learner, every stream and every unary call but Status and a serializable Range fails
 * with {@code etcdserver: rpc not supported for learner}. Lock and Election share etcd's gRPC
 * server, so they are refused too. etcd looks at this before {@code hasleader}, and for a unary
 * call only once its request has arrived; so the calls behind this one start only then as well.
 */
final class LearnerInterceptor implements ServerInterceptor {

  private final Cluster cluster;
  private final MemberServer member;

  LearnerInterceptor(Cluster cluster, MemberServer member) {
    this.cluster = cluster;
    this.member = member;
  }

  /** The lock only once a learner may exist (see {@code Membership.mayHaveLearners}). */
  private boolean isLearner() {
    return cluster.membership().mayHaveLearners() && cluster.query(member::isLearner);
  }

  static boolean servedByLearner(Object request) {
    return request instanceof StatusRequest
        || request instanceof RangeRequest range && range.getSerializable();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
      return new UnaryCheck<>(call, headers, next);
    }
    if (isLearner()) {
      return refuse(call);
    }
    return next.startCall(call, headers);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call) {
    call.close(EtcdError.NOT_SUPPORTED_FOR_LEARNER.status(), new Metadata());
    return new ServerCall.Listener<>() {
    };
  }

  /** Asks for the request itself, judges it, and only then starts the call behind. */
  private final class UnaryCheck<Q, R> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, R> call;
    private final Metadata headers;
    private final ServerCallHandler<Q, R> next;
    /** Null until the request was let through. */
    private ServerCall.Listener<Q> delegate;
    private boolean refused;

    UnaryCheck(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      this.call = call;
      this.headers = headers;
      this.next = next;
      call.request(1);
    }

    @Override
    public void onMessage(Q request) {
      if (!servedByLearner(request) && isLearner()) {
        refused = true;
        refuse(call);
        return;
      }
      delegate = next.startCall(call, headers);
      delegate.onMessage(request);
    }

    @Override
    public void onHalfClose() {
      if (delegate == null && !refused) {
        // No request at all: the handler behind answers that as grpc-java does.
        delegate = next.startCall(call, headers);
      }
      if (delegate != null) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (delegate != null) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (delegate != null) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (delegate != null) {
        delegate.onReady();
      }
    }
  }
}
