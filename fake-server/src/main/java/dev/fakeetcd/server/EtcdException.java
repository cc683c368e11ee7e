package dev.fakeetcd.server;

import io.grpc.StatusRuntimeException;

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
}
