package dev.fakeetcd.conformance.transport;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.Stubs.kv;
import static dev.fakeetcd.conformance.transport.RawHttp2.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Requests at the edges of gRPC's transport, sent over TCP (every target is): what grpc-go in
 * etcd 3.4 answers, and, where the fake's grpc-java transport answers before any of its code
 * can, the fake's own answer (docs/divergences.md). Frame-level cases use {@link RawHttp2}.
 */
class TransportEdgesConformanceTest {

  private static final String RANGE = "/etcdserverpb.KV/Range";
  private static final byte[] REQUEST = range().toByteArray();
  private static final String NO_GZIP =
      "grpc: Decompressor is not installed for grpc-encoding \"gzip\"";
  /** How long a stream is read: etcd answers these at once, or never. */
  private static final Duration WAIT = Duration.ofSeconds(2);

  @ConformanceTest
  void unknownMethod_ofAServedService_failsUnimplemented(EtcdTarget target) {
    assertFails(() -> call(target, "etcdserverpb.KV/Nonexistent"), Status.Code.UNIMPLEMENTED,
        "unknown method Nonexistent for service etcdserverpb.KV");
  }

  @ConformanceTest
  void unknownMethod_ofAnUnknownService_failsUnimplemented(EtcdTarget target) {
    assertFails(() -> call(target, "etcdserverpb.Nope/Range"), Status.Code.UNIMPLEMENTED,
        "unknown service etcdserverpb.Nope");
  }

  @ConformanceTest
  void unknownMethod_pathWithoutService_failsResourceExhausted(EtcdTarget target)
      throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers("/nopath", false)
        .data(message(REQUEST), true).send(WAIT);

    assertThat(answer.describe()).isEqualTo("grpc-status 8: malformed method name: \"/nopath\"");
  }

  @ConformanceTest
  void gzipEncoding_onAUnaryCall_failsUnimplemented(EtcdTarget target) {
    assertFails(() -> kv(target.channels().get(0)).withCompression("gzip").range(range()),
        Status.Code.UNIMPLEMENTED, NO_GZIP);
  }

  @ConformanceTest
  void otherEncoding_unknownToGrpcJava_failsUnimplemented(EtcdTarget target) throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target))
        .headers(RANGE, false, "grpc-encoding", "snappy").data(message(REQUEST), true).send(WAIT);

    assertThat(answer.describe()).isEqualTo(fake(target)
        ? "grpc-status 12: Can't find decompressor for snappy"
        : "grpc-status 12: grpc: Decompressor is not installed for grpc-encoding \"snappy\"");
  }

  @ConformanceTest
  void emptyDataFrame_beforeTheMessage_isIgnored(EtcdTarget target) throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers(RANGE, false)
        .data(new byte[0], false).data(message(REQUEST), true).send(WAIT);

    assertThat(answer.grpcStatus()).isEqualTo("0");
  }

  @ConformanceTest
  void emptyDataFrame_endingAUnaryStreamWithoutMessage_failsUnknownEof(EtcdTarget target)
      throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers(RANGE, false)
        .data(new byte[0], true).send(WAIT);

    assertThat(answer.describe()).isEqualTo("grpc-status 2: EOF");
  }

  @ConformanceTest
  void headersEndingAUnaryStream_withoutData_etcdNeverAnswers(EtcdTarget target)
      throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers(RANGE, true).send(WAIT);

    assertThat(answer.describe()).isEqualTo(fake(target) ? "grpc-status 2: EOF" : "nothing");
  }

  @ConformanceTest
  void lengthPrefix_claimingMoreThanSent_failsAtTheEndOfTheStream(EtcdTarget target)
      throws IOException {
    byte[] shortMessage = message(REQUEST.length + 10, REQUEST);
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers(RANGE, false)
        .data(shortMessage, true).send(WAIT);

    assertThat(answer.describe()).isEqualTo(fake(target)
        ? "grpc-status 13: Encountered end-of-stream mid-frame"
        : "grpc-status 2: unexpected EOF");
  }

  @ConformanceTest
  void lengthPrefix_overTheReceiveLimit_etcdRefusesBeforeTheBody(EtcdTarget target)
      throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers(RANGE, false)
        .data(message(3 << 20, new byte[0]), false).send(WAIT);

    assertThat(answer.describe()).isEqualTo(fake(target) ? "nothing"
        : "grpc-status 8: grpc: received message larger than max (3145728 vs. 2097152), "
            + "RST_STREAM 0");
  }

  @ConformanceTest
  void message_overTheReceiveLimit_failsResourceExhausted(EtcdTarget target) {
    RangeRequest huge = RangeRequest.newBuilder()
        .setKey(ByteString.copyFrom(new byte[3 << 20])).build();

    assertFails(() -> kv(target.channels().get(0)).range(huge), Status.Code.RESOURCE_EXHAUSTED,
        "grpc: received message larger than max (" + huge.getSerializedSize() + " vs. 2097152)");
  }

  @ConformanceTest
  void compressedFlag_withoutEncoding_failsInternal(EtcdTarget target) throws IOException {
    byte[] compressed = message(gzip(REQUEST));
    compressed[0] = 1;
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target)).headers(RANGE, false)
        .data(compressed, true).send(WAIT);

    assertThat(answer.describe()).isEqualTo(fake(target)
        ? "grpc-status 13: Can't decode compressed gRPC message as compression not configured"
        : "grpc-status 13: grpc: compressed flag set with identity or empty encoding");
  }

  @ConformanceTest
  void contentType_json_isRefusedBeforeGrpc(EtcdTarget target) throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target))
        .headers(RANGE, false, "content-type", "application/json")
        .data(message(REQUEST), true).send(WAIT);

    // RST_STREAM 1 is PROTOCOL_ERROR.
    assertThat(answer.describe()).isEqualTo(fake(target) ? ":status 415, data" : "RST_STREAM 1");
  }

  @ConformanceTest
  void grpcTimeout_oneNanosecond_endsTheCall(EtcdTarget target) throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target))
        .headers(RANGE, false, "grpc-timeout", "1n").data(message(REQUEST), true).send(WAIT);

    if (fake(target)) {
      // RST_STREAM 8 is CANCEL.
      assertThat(answer.describe()).isEqualTo("RST_STREAM 8");
    } else {
      // UNKNOWN or DEADLINE_EXCEEDED, as etcd's handler or grpc-go notices the deadline first.
      assertThat(answer.grpcStatus()).isIn("2", "4");
      assertThat(answer.grpcMessage()).isEqualTo("context deadline exceeded");
    }
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void gzipEncoding_onAStream_failsUnimplementedEvenUncompressed(EtcdTarget target)
      throws IOException {
    RawHttp2.Answer answer = RawHttp2.to(endpoint(target))
        .headers("/etcdserverpb.Watch/Watch", false, "grpc-encoding", "gzip")
        .data(message(watchCreate()), true).send(WAIT);

    assertThat(answer.describe()).isEqualTo("grpc-status 12: " + NO_GZIP);
  }

  private static boolean fake(EtcdTarget target) {
    return target.name().startsWith("fake");
  }

  private static URI endpoint(EtcdTarget target) {
    return target.endpoints().get(0);
  }

  private static byte[] watchCreate() {
    return WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8("edge"))).build().toByteArray();
  }

  private static RangeRequest range() {
    return RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("edge")).build();
  }

  /** A unary call of {@code fullMethodName} with Range's request and response types. */
  private static RangeResponse call(EtcdTarget target, String fullMethodName) {
    MethodDescriptor<RangeRequest, RangeResponse> made = KVGrpc.getRangeMethod().toBuilder()
        .setFullMethodName(fullMethodName).build();
    return ClientCalls.blockingUnaryCall(target.channels().get(0), made,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), range());
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
      out.write(bytes);
    }
    return zipped.toByteArray();
  }
}
