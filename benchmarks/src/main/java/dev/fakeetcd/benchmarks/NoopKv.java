package dev.fakeetcd.benchmarks;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.ResponseOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * The floor: etcd's KV service answering every call with one pre-built response, served on the
 * same transports with the fake's Netty settings, so what remains is gRPC and the client.
 */
final class NoopKv extends KVGrpc.KVImplBase implements AutoCloseable {

  private static final ResponseHeader HEADER = ResponseHeader.newBuilder().setClusterId(1)
      .setMemberId(1).setRevision(2).setRaftTerm(2).build();
  private static final PutResponse PUT = PutResponse.newBuilder().setHeader(HEADER).build();
  private static final RangeResponse RANGE = RangeResponse.newBuilder().setHeader(HEADER)
      .addKvs(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("bench/get"))
          .setValue(ByteString.copyFrom(new byte[Workload.VALUE_BYTES]))
          .setCreateRevision(2).setModRevision(2).setVersion(1))
      .setCount(1).build();
  private static final TxnResponse TXN = TxnResponse.newBuilder().setHeader(HEADER)
      .setSucceeded(true).addResponses(ResponseOp.newBuilder().setResponsePut(PUT)).build();

  private final Server tcp;
  private final Server inProcess;
  private final String name = "noop-kv-" + System.identityHashCode(this);

  NoopKv() throws IOException {
    // As the fake's member servers (Cluster): keepalive permits and a large inbound limit.
    tcp = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .maxInboundMessageSize(256 * 1024 * 1024)
        .addService(this).build().start();
    inProcess = InProcessServerBuilder.forName(name).directExecutor().addService(this).build()
        .start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + tcp.getPort());
  }

  ManagedChannel inProcessChannel() {
    return InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @Override
  public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
    responses.onNext(RANGE);
    responses.onCompleted();
  }

  @Override
  public void put(PutRequest request, StreamObserver<PutResponse> responses) {
    responses.onNext(PUT);
    responses.onCompleted();
  }

  @Override
  public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
    responses.onNext(TXN);
    responses.onCompleted();
  }

  @Override
  public void close() {
    tcp.shutdownNow();
    inProcess.shutdownNow();
  }
}
