package dev.fakeetcd.internal.transport;

import com.google.protobuf.Message;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.internal.history.HistoryRecorder;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Feeds one member's calls to the cluster's {@link HistoryRecorder}: each unary call from its
 * request to its answer, and each Watch stream's messages. It sits outside the link faults, so a
 * delayed answer counts when it leaves, and a call the member's crash ends (with
 * {@link ClientLinkFaults#CONNECTION_LOST}) stays unknown, as does one the client cancelled. A call
 * failed before its request arrived is not recorded: it cannot have taken effect. The other
 * streams (LeaseKeepAlive, Snapshot, Election Observe) are not recorded: no check reads them.
 */
final class HistoryTap implements ServerInterceptor {

  private static final String WATCH = WatchGrpc.getWatchMethod().getFullMethodName();

  private final HistoryRecorder recorder;
  private final long member;

  HistoryTap(HistoryRecorder recorder, long member) {
    this.recorder = recorder;
    this.member = member;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    if (method.getType() == MethodDescriptor.MethodType.UNARY) {
      return unary(call, headers, next);
    }
    if (method.getFullMethodName().equals(WATCH)) {
      return watch(call, headers, next);
    }
    return next.startCall(call, headers);
  }

  private <Q, R> ServerCall.Listener<Q> unary(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    var state = new Object() {
      // Set and read on the call's serialized listener and call paths, in turn.
      volatile HistoryRecorder.Call recorded;
      volatile Message response;
      volatile boolean cancelled;
    };
    ServerCall<Q, R> tapped = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        state.response = (Message) message;
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        HistoryRecorder.Call recorded = state.recorded;
        if (recorded != null && !state.cancelled && status != ClientLinkFaults.CONNECTION_LOST) {
          if (status.isOk() && state.response != null) {
            recorded.complete(state.response);
          } else if (!status.isOk()) {
            recorded.fail(status);
          }
        }
        super.close(status, trailers);
      }
    };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(tapped, headers)) {
      @Override
      public void onMessage(Q message) {
        if (state.recorded == null) {
          state.recorded = recorder.invoke(member, call.getMethodDescriptor().getFullMethodName(),
              (Message) message);
        }
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        state.cancelled = true;
        super.onCancel();
      }
    };
  }

  private <Q, R> ServerCall.Listener<Q> watch(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    HistoryRecorder.Stream stream = recorder.openStream(member);
    if (stream == null) {
      return next.startCall(call, headers);
    }
    ServerCall<Q, R> tapped = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        stream.sent((Message) message);
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        stream.closed();
        super.close(status, trailers);
      }
    };
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
        next.startCall(tapped, headers)) {
      @Override
      public void onMessage(Q message) {
        stream.received((Message) message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        stream.closed();
        super.onCancel();
      }
    };
  }
}
