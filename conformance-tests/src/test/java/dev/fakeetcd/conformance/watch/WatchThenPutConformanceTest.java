package dev.fakeetcd.conformance.watch;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.TestReporter;

/**
 * "Watch, then put at once" through one jetcd client, which sends the watch's create
 * asynchronously: the put is missed when the server applies it before it reads the create. Each
 * pair uses a fresh key; once the created response is in, a second put follows, so a miss shows as
 * a first event carrying the second value (no wait for an event that never comes).
 *
 * <p>The rates are published (report entry and a stdout line) for every target and client. On
 * this machine a real etcd missed 0 to 4 of 100 in every configuration. The fake serves each
 * connection's calls and stream messages in the order they came, so through a client on one member
 * it misses as rarely (0 or 1); through a client on all members of three, the create and the put
 * travel on different connections and the put, applied in well under a millisecond where a real
 * etcd takes milliseconds, still wins 2 to 24 of 100 races (see docs/divergences.md). The ceilings
 * guard both: the one-connection case at a real etcd's rate, the other against the fake falling
 * back to reading a stream's first request through a thread hand-off (44 to 61 of 100).
 */
class WatchThenPutConformanceTest {

  private static final int PAIRS = 100;
  /** A real etcd's worst seen (4), with room for a loaded machine. */
  private static final int ONE_CONNECTION_CEILING = 8;
  private static final int CEILING = 35;

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void watchThenPut_oneClient_missesStayUnderTheCeiling(EtcdTarget target, Client client,
      TestReporter reporter) {
    int onAll = misses(client, "all/");
    int onOne;
    try (Client single = Client.builder().endpoints(target.endpoints().get(0)).build()) {
      onOne = misses(single, "one/");
    }
    String rates = String.format("%s: watch then put missed %d/%d through a client on all members,"
        + " %d/%d through a client on one member", target.name(), onAll, PAIRS, onOne, PAIRS);
    reporter.publishEntry("watch-then-put", rates);
    System.out.println(rates);

    assertThat(onAll).as(rates).isLessThanOrEqualTo(CEILING);
    assertThat(onOne).as(rates).isLessThanOrEqualTo(ONE_CONNECTION_CEILING);
  }

  private static int misses(Client client, String prefix) {
    int misses = 0;
    for (int i = 0; i < PAIRS; i++) {
      ByteSequence key = bytes(prefix + i);
      CompletableFuture<Void> created = new CompletableFuture<>();
      CompletableFuture<String> first = new CompletableFuture<>();
      try (Watch.Watcher watcher = client.getWatchClient().watch(key,
          WatchOption.builder().withCreateNotify(true).build(), response -> {
            if (response.isCreatedNotify()) {
              created.complete(null);
            }
            if (!response.getEvents().isEmpty()) {
              first.complete(response.getEvents().get(0).getKeyValue().getValue()
                  .toString(StandardCharsets.UTF_8));
            }
          })) {
        await(client.getKVClient().put(key, bytes("watched")));
        await(created);
        await(client.getKVClient().put(key, bytes("after")));
        if (!await(first).equals("watched")) {
          misses++;
        }
      }
    }
    return misses;
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
