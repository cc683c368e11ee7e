package dev.fakeetcd.testing;

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
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A raw watch stream for tests, for the fields jetcd hides: requests go out at once, responses are
 * queued as they arrive, and waits have a ceiling so a silent server fails the test.
 */
public final class WatchTestClient implements AutoCloseable {

  private final StreamCollector<WatchResponse> responses;
  private final StreamObserver<WatchRequest> requests;

  /** @param manual whether the client reads only what {@link #read} asks for */
  public WatchTestClient(Channel channel, boolean manual) {
    responses = new StreamCollector<>("watch response", manual);
    requests = WatchGrpc.newStub(channel).watch(responses);
  }

  public WatchTestClient(Channel channel) {
    this(channel, false);
  }

  public static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  public static WatchCreateRequest.Builder watch(String key) {
    return WatchCreateRequest.newBuilder().setKey(bytes(key));
  }

  /** The mod revisions of a response's events. */
  public static List<Long> revisions(WatchResponse response) {
    return response.getEventsList().stream().map(e -> e.getKv().getModRevision()).toList();
  }

  public void create(WatchCreateRequest.Builder create) {
    send(WatchRequest.newBuilder().setCreateRequest(create).build());
  }

  /** Creates a watch and returns its created response. */
  public WatchResponse created(WatchCreateRequest.Builder create) {
    create(create);
    WatchResponse ack = next();
    assertThat(ack.getCreated()).as("created ack").isTrue();
    return ack;
  }

  public void cancel(long id) {
    send(WatchRequest.newBuilder().setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(id)).build());
  }

  public void progress() {
    send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
  }

  private synchronized void send(WatchRequest request) {
    requests.onNext(request);
  }

  /** Lets {@code count} more responses in (manual mode). */
  public void read(int count) {
    responses.request(count);
  }

  public WatchResponse next() {
    return responses.next();
  }

  /** The status the stream ended with. */
  public Status ended() {
    return responses.ended();
  }

  public boolean hasEnded() {
    return responses.hasEnded();
  }

  /** Responses that arrived and were not taken yet. */
  public int queued() {
    return responses.queued();
  }

  @Override
  public void close() {
    responses.cancel();
  }
}
