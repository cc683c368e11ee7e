package dev.fakeetcd.internal.v3rpc;

import dev.fakeetcd.api.SnapshotResponse;
import dev.fakeetcd.internal.backend.SnapshotFormat;
import dev.fakeetcd.internal.server.Cluster;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One {@code Snapshot} stream in etcd's framing: the member's snapshot data in messages of
 * {@link SnapshotFormat#CHUNK} bytes, each with the count of data bytes still to come after it,
 * then one message with the data's SHA-256; no header anywhere. It observes the member's snapshot
 * bytes, taken under the cluster lock when the member takes the call ({@link Cluster#call}).
 *
 * <p>The messages go out through an {@link Outbox} only while the client is ready, so a large
 * snapshot is never buffered whole in gRPC; a client that cancels ends the sending. Like a watch
 * stream's produced responses, data taken before a pause still goes out.
 */
final class SnapshotStream implements StreamObserver<byte[]> {

  private final Outbox<SnapshotResponse> outbox;

  SnapshotStream(Cluster cluster, ServerCallStreamObserver<SnapshotResponse> out) {
    this.outbox = new Outbox<>(out, cluster.watchSender(), cluster.clock()).waitingForReady();
    out.setOnCancelHandler(outbox::close);
  }

  /** The member's snapshot data, framed at once; not under the cluster lock. */
  @Override
  public void onNext(byte[] snapshot) {
    for (int offset = 0; offset < snapshot.length; ) {
      SnapshotResponse chunk = SnapshotFormat.frame(snapshot, offset);
      offset += chunk.getBlob().size();
      outbox.send(chunk);
    }
    outbox.send(SnapshotFormat.frame(snapshot, snapshot.length)); // the checksum
  }

  @Override
  public void onError(Throwable t) {
    outbox.fail(t);
  }

  /** The data is complete once it arrives; the stream ends after the checksum. */
  @Override
  public void onCompleted() {
    outbox.complete();
  }
}
