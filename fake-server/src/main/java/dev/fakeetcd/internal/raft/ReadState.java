package dev.fakeetcd.internal.raft;

import java.util.Arrays;

/**
 * The answer to a {@link RaftNode#readIndex(byte[])} request: once this node has applied up to
 * {@code index}, a read that started before the request is linearizable. {@code requestCtx} is the
 * caller's context, returned unchanged (copied on construction and by the accessor; equality
 * compares the bytes).
 */
public record ReadState(long index, byte[] requestCtx) {

  public ReadState {
    requestCtx = requestCtx == null ? new byte[0] : requestCtx.clone();
  }

  /** A copy of the bytes (the record stays immutable, so messages can be shared and duplicated). */
  public byte[] requestCtx() {
    return requestCtx.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadState r && r.index == index && Arrays.equals(r.requestCtx, requestCtx);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Arrays.hashCode(requestCtx);
  }

  @Override
  public String toString() {
    return "ReadState[" + index + " ctx=" + Arrays.toString(requestCtx) + "]";
  }
}
