package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.SnapshotResponse;
import dev.fakeetcd.internal.backend.SnapshotFormat;
import dev.fakeetcd.internal.server.Cluster;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code Snapshot} stream in etcd's framing: the member's snapshot data in messages of
 * {@link SnapshotFormat#CHUNK} bytes, each with the count of data bytes still to come after it,
 * then one message with the data's SHA-256; no header anywhere. It observes the member's snapshot
 * bytes, taken under the cluster lock when the member takes the call ({@link Cluster#call}).
 *
 * <p>Sends run on the server's sender pool, never under the cluster lock, and only while the
 * client is ready, so a large snapshot is never buffered whole in gRPC; a client that cancels ends
 * the sending. Like a watch stream's produced responses, data taken before a pause still goes out.
 */
final class SnapshotStream implements StreamObserver<byte[]> {

  private final Cluster server;
  private final ServerCallStreamObserver<SnapshotResponse> out;
  private final AtomicBoolean sending = new AtomicBoolean();
  /** Set once, before the first send task. */
  private volatile byte[] data;
  private volatile Throwable failure;
  private volatile boolean ended;
  // Only touched by send tasks, which run one at a time.
  private int offset;

  SnapshotStream(Cluster server, ServerCallStreamObserver<SnapshotResponse> out) {
    this.server = server;
    this.out = out;
    out.setOnReadyHandler(this::kick);
    out.setOnCancelHandler(() -> ended = true);
  }

  /** The member's snapshot data; sending starts. */
  @Override
  public void onNext(byte[] snapshot) {
    data = snapshot;
    kick();
  }

  @Override
  public void onError(Throwable t) {
    failure = t;
    kick();
  }

  @Override
  public void onCompleted() {
    // The data is complete once it arrives; the stream ends after the checksum.
  }

  private void kick() {
    if (!ended && (data != null || failure != null) && sending.compareAndSet(false, true)) {
      try {
        server.watchSender().execute(this::drain);
      } catch (RejectedExecutionException e) {
        ended = true; // the cluster is closed; its transports ended the call already
      }
    }
  }

  private void drain() {
    try {
      while (!ended && (failure != null || out.isReady())) {
        if (failure != null) {
          ended = true;
          out.onError(failure);
        } else {
          sendNext();
        }
      }
    } finally {
      sending.set(false);
    }
    if (!ended && out.isReady()) {
      kick(); // readiness that came while this task was finishing
    }
  }

  private void sendNext() {
    byte[] bytes = data;
    SnapshotResponse message = SnapshotFormat.frame(bytes, offset);
    if (offset < bytes.length) {
      offset += message.getBlob().size();
      out.onNext(message);
      return;
    }
    ended = true;
    out.onNext(message);
    out.onCompleted();
  }
}
