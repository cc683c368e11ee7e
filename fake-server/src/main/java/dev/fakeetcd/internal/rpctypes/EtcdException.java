package dev.fakeetcd.internal.rpctypes;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;

/** An etcd error raised below the gRPC layer; services turn it into its status with {@link #asStatusException()}. */
public final class EtcdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final EtcdError error;

  public EtcdException(EtcdError error) {
    // an expected outcome, not a bug: no stack trace to fill
    super(error.message(), null, false, false);
    this.error = error;
  }

  public EtcdError error() {
    return error;
  }

  public StatusRuntimeException asStatusException() {
    return error.asException();
  }

  /** What a future failed with, without the {@link CompletionException} its stages wrap it in. */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  /** Whether {@code failure}, wrapped by a future or not, is etcd's {@code error}. */
  public static boolean is(Throwable failure, EtcdError error) {
    return cause(failure) instanceof EtcdException e && e.error() == error;
  }

  /** {@code failure} as a future's stage rethrows it: wrapped once, never twice. */
  public static CompletionException completion(Throwable failure) {
    return failure instanceof CompletionException c ? c : new CompletionException(failure);
  }
}
