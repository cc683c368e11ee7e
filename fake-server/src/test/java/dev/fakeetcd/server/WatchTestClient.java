package dev.fakeetcd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.WatchCancelRequest;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.WatchProgressRequest;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw watch stream for tests: requests go out at once, responses are queued as they arrive
 * (on the server's sender thread), and waits have a ceiling so a silent server fails the test.
 */
final class WatchTestClient implements AutoCloseable {

  private static final long CEILING_SECONDS = 20;

  private final LinkedBlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private final StreamObserver<WatchRequest> requests;
  private volatile ClientCallStreamObserver<WatchRequest> call;

  /** @param manual whether the client reads only what {@link #read} asks for */
  WatchTestClient(Channel channel, boolean manual) {
    requests = WatchGrpc.newStub(channel).watch(new ClientResponseObserver<WatchRequest, WatchResponse>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchRequest> stream) {
        call = stream;
        if (manual) {
          stream.disableAutoRequestWithInitial(0);
        }
      }

      @Override
      public void onNext(WatchResponse value) {
        responses.add(value);
      }

      @Override
      public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.complete(Status.OK);
      }
    });
  }

  WatchTestClient(Channel channel) {
    this(channel, false);
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static WatchCreateRequest.Builder watch(String key) {
    return WatchCreateRequest.newBuilder().setKey(bytes(key));
  }

  void create(WatchCreateRequest.Builder create) {
    send(WatchRequest.newBuilder().setCreateRequest(create).build());
  }

  /** Creates a watch and returns its created response. */
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

  synchronized void send(WatchRequest request) {
    requests.onNext(request);
  }

  /** Lets {@code count} more responses in (manual mode). */
  void read(int count) {
    call.request(count);
  }

  WatchResponse next() {
    try {
      WatchResponse r = responses.poll(CEILING_SECONDS, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("no watch response within " + CEILING_SECONDS + " s");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The status the stream ended with. */
  Status ended() {
    try {
      return end.get(CEILING_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stream did not end", e);
    }
  }

  boolean hasEnded() {
    return end.isDone();
  }

  /** Responses that arrived and were not taken yet. */
  int queued() {
    return responses.size();
  }

  @Override
  public void close() {
    call.cancel("test done", null);
  }
}
