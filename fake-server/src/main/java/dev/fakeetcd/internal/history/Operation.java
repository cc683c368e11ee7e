package dev.fakeetcd.internal.history;

import com.google.protobuf.Message;
import io.grpc.Status;
import java.util.Objects;

/**
 * One unary call as a member served it. The interval from {@code invokeSeq} (the member received
 * the request) to {@code completeSeq} (it sent the answer) lies inside the interval the client saw,
 * so a correct server's history is linearizable on these intervals. Sequence numbers are one global
 * order over every record of a history; virtual times are for people and the timeline.
 *
 * @param id the operation's number in its history, from 0
 * @param member the ID of the member that served it
 * @param method the full gRPC method name, e.g. {@code etcdserverpb.KV/Put}
 * @param request the request message
 * @param invokeSeq when the member received the request
 * @param invokeNanos virtual time then
 * @param completeSeq when the member answered; {@link Long#MAX_VALUE} while {@link Outcome#UNKNOWN}
 * @param completeNanos virtual time then; {@link Long#MAX_VALUE} while unknown
 * @param outcome how it ended
 * @param response the answer when {@link Outcome#OK}, else null
 * @param code the status code when {@link Outcome#ERROR}, else null
 * @param error the status description when {@link Outcome#ERROR}, else null
 */
public record Operation(int id, long member, String method, Message request, long invokeSeq,
    long invokeNanos, long completeSeq, long completeNanos, Outcome outcome, Message response,
    Status.Code code, String error) {

  /** How a call ended, as far as the member knows. */
  public enum Outcome {
    /** Answered with a response. */
    OK,
    /** Answered with an error status: it may still have taken effect (e.g. a timed-out put). */
    ERROR,
    /** Never answered: the client gave up, the connection dropped, or the run ended first. */
    UNKNOWN
  }

  public Operation {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Whether its effect, if it has one, may have happened at any time after its invocation. */
  public boolean isIndeterminate() {
    return outcome != Outcome.OK;
  }
}
