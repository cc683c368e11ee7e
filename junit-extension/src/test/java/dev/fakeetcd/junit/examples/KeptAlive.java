package dev.fakeetcd.junit.examples;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A lease kept alive with jetcd's {@code keepAlive}, as a service keeps its session: every error
 * the keep-alive reports is kept. The member renews the lease in virtual time from the stream's
 * first answer on, so {@link #grant} waits for that answer.
 */
final class KeptAlive implements StreamObserver<LeaseKeepAliveResponse>, AutoCloseable {

  final long id;
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final CompletableFuture<LeaseKeepAliveResponse> firstAnswer = new CompletableFuture<>();
  private CloseableClient keepAlive;

  private KeptAlive(long id) {
    this.id = id;
  }

  /** Grants a lease of {@code ttlSeconds} and keeps it alive until closed. */
  static KeptAlive grant(Client client, long ttlSeconds) throws Exception {
    KeptAlive lease = new KeptAlive(
        client.getLeaseClient().grant(ttlSeconds).get(10, TimeUnit.SECONDS).getID());
    lease.keepAlive = client.getLeaseClient().keepAlive(lease.id, lease);
    lease.firstAnswer.get(10, TimeUnit.SECONDS);
    return lease;
  }

  /** The lease's remaining TTL in seconds as {@code client}'s member answers it (-1: gone). */
  long ttl(Client client) throws Exception {
    return client.getLeaseClient().timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT)
        .get(10, TimeUnit.SECONDS).getTTL();
  }

  @Override
  public void onNext(LeaseKeepAliveResponse response) {
    firstAnswer.complete(response);
  }

  @Override
  public void onError(Throwable t) {
    errors.add(t);
    firstAnswer.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
  }

  @Override
  public void close() {
    keepAlive.close();
  }
}
