package dev.fakeetcd;

import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Status;

/**
 * Errors a client link can be made to fail with ({@link ClientLinks#failNext}): the ones a client
 * of a real etcd must be ready for, each with etcd's exact gRPC code and message.
 */
public enum EtcdFailure {
  /** UNAVAILABLE {@code etcdserver: no leader}. */
  NO_LEADER(EtcdError.NO_LEADER),
  /** UNAVAILABLE {@code etcdserver: leader changed}. */
  LEADER_CHANGED(EtcdError.LEADER_CHANGED),
  /** UNAVAILABLE {@code etcdserver: server stopped}. */
  STOPPED(EtcdError.STOPPED),
  /** UNAVAILABLE {@code etcdserver: request timed out}. */
  TIMEOUT(EtcdError.TIMEOUT),
  /** UNAVAILABLE {@code etcdserver: request timed out, possibly due to previous leader failure}. */
  TIMEOUT_DUE_TO_LEADER_FAIL(EtcdError.TIMEOUT_DUE_TO_LEADER_FAIL),
  /** UNAVAILABLE {@code etcdserver: request timed out, possibly due to connection lost}. */
  TIMEOUT_DUE_TO_CONNECTION_LOST(EtcdError.TIMEOUT_DUE_TO_CONNECTION_LOST),
  /** UNAVAILABLE {@code etcdserver: unhealthy cluster}. */
  UNHEALTHY(EtcdError.UNHEALTHY),
  /** UNKNOWN {@code etcdserver: too many requests}. */
  TOO_MANY_REQUESTS(EtcdError.TOO_MANY_REQUESTS),
  /** RESOURCE_EXHAUSTED {@code etcdserver: mvcc: database space exceeded}. */
  NO_SPACE(EtcdError.NO_SPACE),
  /** DATA_LOSS {@code etcdserver: corrupt cluster}. */
  CORRUPT(EtcdError.CORRUPT),
  /** OUT_OF_RANGE {@code etcdserver: mvcc: required revision has been compacted}. */
  COMPACTED(EtcdError.COMPACTED),
  /** UNAUTHENTICATED {@code etcdserver: invalid auth token}. */
  INVALID_AUTH_TOKEN(EtcdError.INVALID_AUTH_TOKEN);

  private final EtcdError error;

  EtcdFailure(EtcdError error) {
    this.error = error;
  }

  EtcdError error() {
    return error;
  }

  /** The status a client receives: etcd's code and message. */
  public Status status() {
    return error.status();
  }
}
