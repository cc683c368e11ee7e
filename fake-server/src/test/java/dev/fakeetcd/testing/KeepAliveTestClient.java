package dev.fakeetcd.testing;

import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.LeaseKeepAliveRequest;
import dev.fakeetcd.api.LeaseKeepAliveResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** A raw LeaseKeepAlive stream: answers are queued as they arrive; every wait has a ceiling. */
public final class KeepAliveTestClient {

  private final StreamCollector<LeaseKeepAliveResponse> answers =
      new StreamCollector<>("keepalive answer");
  private final StreamObserver<LeaseKeepAliveRequest> requests;

  public KeepAliveTestClient(Channel channel) {
    requests = LeaseGrpc.newStub(channel).leaseKeepAlive(answers);
  }

  public void send(long id) {
    requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
  }

  /** Sends a keepalive and returns the next answer. */
  public LeaseKeepAliveResponse renew(long id) {
    send(id);
    return answers.next();
  }

  /** The next answer, whoever's renewal it answers. */
  public LeaseKeepAliveResponse next() {
    return answers.next();
  }

  /** Cancels the stream, as a client that goes away does. */
  public void cancel() {
    answers.cancel();
  }

  /** The status the stream ended with. */
  public Status ended() {
    return answers.ended();
  }

  /** Half-closes the stream and returns the status it ended with. */
  public Status halfClose() {
    requests.onCompleted();
    return answers.ended();
  }
}
