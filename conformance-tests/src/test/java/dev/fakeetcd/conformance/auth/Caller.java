package dev.fakeetcd.conformance.auth;

import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.lock.LockGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/**
 * Someone calling one member: each stub carries the token (if any) as gRPC metadata, under the key
 * etcd's clients use ({@code token}) or the one its gateway also reads ({@code authorization}).
 * Stubs are made per call, so each gets a fresh 10 s deadline however long the test has waited.
 */
record Caller(ManagedChannel channel, String metadataKey, String token) {

  private static final long DEADLINE_SECONDS = 10;

  /** Calls without any token. */
  static Caller anonymous(ManagedChannel channel) {
    return new Caller(channel, "token", null);
  }

  static Caller withToken(ManagedChannel channel, String token) {
    return new Caller(channel, "token", token);
  }

  /** The same token under the metadata key {@code authorization}. */
  Caller viaAuthorization() {
    return new Caller(channel, "authorization", token);
  }

  KVGrpc.KVBlockingStub kv() {
    return unary(KVGrpc.newBlockingStub(channel));
  }

  AuthGrpc.AuthBlockingStub auth() {
    return unary(AuthGrpc.newBlockingStub(channel));
  }

  LeaseGrpc.LeaseBlockingStub lease() {
    return unary(LeaseGrpc.newBlockingStub(channel));
  }

  ClusterGrpc.ClusterBlockingStub cluster() {
    return unary(ClusterGrpc.newBlockingStub(channel));
  }

  MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
    return unary(MaintenanceGrpc.newBlockingStub(channel));
  }

  LockGrpc.LockBlockingStub lock() {
    return unary(LockGrpc.newBlockingStub(channel));
  }

  ElectionGrpc.ElectionBlockingStub election() {
    return unary(ElectionGrpc.newBlockingStub(channel));
  }

  /** A watch stub without deadline: the test ends the stream. */
  WatchGrpc.WatchStub watch() {
    return attach(WatchGrpc.newStub(channel));
  }

  private <S extends AbstractStub<S>> S unary(S stub) {
    return attach(stub).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private <S extends AbstractStub<S>> S attach(S stub) {
    if (token == null) {
      return stub;
    }
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of(metadataKey, Metadata.ASCII_STRING_MARSHALLER), token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata));
  }
}
