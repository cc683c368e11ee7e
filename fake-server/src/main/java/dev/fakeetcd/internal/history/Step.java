package dev.fakeetcd.internal.history;

import com.google.protobuf.Message;
import dev.fakeetcd.api.TxnRequest;

/**
 * One operation as the linearizability check sees it.
 *
 * @param op the recorded call; null for a lease's expiry, which no client asked for
 * @param kind what it does
 * @param request the request (for a lease's expiry, null)
 * @param response the answer when it was answered, else null
 * @param lease the lease a revoke or an expiry removes
 * @param invokeSeq the earliest point it can take effect
 * @param returnSeq the latest point it can take effect; {@link Long#MAX_VALUE} when open
 * @param rev the answer's header revision, or -1 without answer
 * @param bump whether the answer shows it wrote, so its revision is a new one
 */
record Step(Operation op, Kind kind, Message request, Message response, long lease,
    long invokeSeq, long returnSeq, long rev, boolean bump) {

  enum Kind { RANGE, PUT, DELETE, TXN, GRANT, REVOKE, EXPIRE }

  boolean answered() {
    return response != null;
  }

  /** Whether it may change keys (and so the revision). */
  boolean writes() {
    return kind == Kind.PUT || kind == Kind.DELETE || kind == Kind.REVOKE || kind == Kind.EXPIRE
        || kind == Kind.TXN && !LinearizabilityChecker.readOnly((TxnRequest) request);
  }
}
