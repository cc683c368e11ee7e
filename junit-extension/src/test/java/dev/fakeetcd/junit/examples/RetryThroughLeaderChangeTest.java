package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.EtcdFailure;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A client that retries a write while the cluster changes leader. */
@EtcdTest(members = 3)
class RetryThroughLeaderChangeTest {

  /** The code under test: retries a put a few times, as a service writing to etcd would. */
  static int putWithRetry(Client client, String key, String value) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        client.getKVClient().put(bytes(key), bytes(value)).get();
        return attempt;
      } catch (ExecutionException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  @Test
  void put_duringLeaderChange_succeedsOnRetry(EtcdCluster cluster, Member leader) throws Exception {
    long term = leader.term();
    cluster.network().isolate(leader);
    cluster.clock().advance(Duration.ofSeconds(3));          // the old leader steps down
    cluster.awaitLeader();                                   // the others elect a new one
    for (Member m : cluster.members()) {                     // what clients see mid-change
      cluster.clientLinks().failNext(m, "etcdserverpb.KV/Put", 1, EtcdFailure.LEADER_CHANGED);
    }
    // The service's client knows the members that can still reach a quorum.
    URI[] majority = cluster.members().stream().filter(m -> !m.equals(leader))
        .map(m -> m.endpoint().orElseThrow()).toArray(URI[]::new);

    int attempts;
    try (Client client = Client.builder().endpoints(majority).build()) {
      attempts = putWithRetry(client, "config/a", "1");
    }

    assertThat(attempts).isGreaterThan(1);
    assertThat(cluster).hasLeader().termIsGreaterThan(term).hasKey("config/a").withValue("1");
    assertThat(cluster).onMember(leader).doesNotHaveKey("config/a");   // cut off, it missed it
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
