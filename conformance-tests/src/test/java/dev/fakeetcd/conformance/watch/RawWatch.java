package dev.fakeetcd.conformance.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.WatchCancelRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.WatchProgressRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.conformance.EtcdTarget;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw watch stream to member 0 of a target, for the fields jetcd hides. Replay on a real etcd is
 * asynchronous, so every wait for a response has a ceiling instead of an expectation of timing.
 */
final class RawWatch implements AutoCloseable {

  private static final long CEILING_SECONDS = 20;

  private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final StreamObserver<WatchRequest> requests;

  RawWatch(EtcdTarget target) {
    WatchGrpc.WatchStub stub = WatchGrpc.newStub(target.channels().get(0));
    Context previous = context.attach();
    try {
      requests = stub.watch(new StreamObserver<>() {
        @Override
        public void onNext(WatchResponse value) {
          received.add(value);
        }

        @Override
        public void onError(Throwable t) {
          received.add(t);
        }

        @Override
        public void onCompleted() {
        }
      });
    } finally {
      context.detach(previous);
    }
  }

  static ByteString bytes(String utf8) {
    return ByteString.copyFrom(utf8, StandardCharsets.UTF_8);
  }

  static WatchCreateRequest.Builder watch(String key) {
    return WatchCreateRequest.newBuilder().setKey(bytes(key));
  }

  static long put(EtcdTarget target, String key, ByteString value) {
    return KVGrpc.newBlockingStub(target.channels().get(0)).withDeadlineAfter(30, TimeUnit.SECONDS)
        .put(PutRequest.newBuilder().setKey(bytes(key)).setValue(value).build()).getHeader().getRevision();
  }

  static long put(EtcdTarget target, String key, String value) {
    return put(target, key, bytes(value));
  }

  static List<Long> revisions(WatchResponse response) {
    return response.getEventsList().stream().map(e -> e.getKv().getModRevision()).toList();
  }

  void create(WatchCreateRequest.Builder create) {
    send(WatchRequest.newBuilder().setCreateRequest(create).build());
  }

  WatchResponse created(WatchCreateRequest.Builder create) {
    create(create);
    WatchResponse ack = next();
    assertThat(ack.getCreated()).as("created ack").isTrue();
    return ack;
  }

  void cancel(long id) {
    send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
  }

  void progress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
  }

  private synchronized void send(WatchRequest request) {
    requests.onNext(request);
  }

  WatchResponse next() {
    Object r;
    try {
      r = received.poll(CEILING_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (r == null) {
      throw new AssertionError("no watch response within " + CEILING_SECONDS + " s");
    }
    if (r instanceof Throwable t) {
      throw new AssertionError("the watch stream failed", t);
    }
    return (WatchResponse) r;
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
