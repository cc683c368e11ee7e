package dev.fakeetcd.junit.examples;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.support.Observers;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A lease kept alive with jetcd's {@code keepAlive}, as a service keeps its session; every error
 * the keep-alive reports is kept. The member renews the lease in virtual time from the stream's
 * first answer on, so {@link #grant} waits for that answer.
 */
final class KeptAlive implements AutoCloseable {

  final long id;
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final CloseableClient keepAlive;

  private KeptAlive(Client client, long id) throws Exception {
    this.id = id;
    CompletableFuture<LeaseKeepAliveResponse> first = new CompletableFuture<>();
    keepAlive = client.getLeaseClient().keepAlive(id, Observers.<LeaseKeepAliveResponse>builder()
        .onNext(first::complete)
        .onError(t -> {
          errors.add(t);
          first.completeExceptionally(t);
        }).build());
    first.get(10, TimeUnit.SECONDS);
  }

  /** Grants a lease of {@code ttlSeconds} and keeps it alive until closed. */
  static KeptAlive grant(Client client, long ttlSeconds) throws Exception {
    return new KeptAlive(client,
        client.getLeaseClient().grant(ttlSeconds).get(10, TimeUnit.SECONDS).getID());
  }

  /** The lease's remaining TTL in seconds as {@code client}'s member answers it (-1: gone). */
  long ttl(Client client) throws Exception {
    return client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS)
        .getTTL();
  }

  @Override
  public void close() {
    keepAlive.close();
  }
}
