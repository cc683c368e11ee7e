package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Cluster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * An operator retires the host of the current leader without losing quorum, the way the etcd
 * docs advise: the replacement joins as a learner, catches up, is promoted, and only then is the
 * old member removed.
 */
@EtcdTest(members = 3)
class RetireLeaderHostTest {

  /**
   * The operator's tooling: a membership change, retried while etcd refuses it for a reason that
   * time cures. The test's clock is virtual, so waiting is advancing it.
   */
  static <T> T retryWhile(String refusal, Duration pause, Supplier<CompletableFuture<T>> change,
      EtcdCluster cluster) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return change.get().get();
      } catch (ExecutionException e) {
        if (attempt == 10 || !e.getCause().getMessage().contains(refusal)) {
          throw e;
        }
        cluster.clock().advance(pause);
      }
    }
  }

  /** etcd refuses changes until the member asked has been connected to its peers for 5 s. */
  static <T> T whenHealthy(Supplier<CompletableFuture<T>> change, EtcdCluster cluster)
      throws Exception {
    return retryWhile("unhealthy cluster", Duration.ofSeconds(1), change, cluster);
  }

  @Test
  void replaceLeader_learnerPromotedThenLeaderRemoved_keepsServing(EtcdCluster cluster,
      Client client, Member leader) throws Exception {
    client.getKVClient().put(bytes("config/a"), bytes("1")).get();

    // 1. Announce the new member as a learner: it counts for no quorum until promoted.
    //    A fresh cluster refuses it until its members have been connected for 5 s.
    long id = whenHealthy(() -> client.getClusterClient()
        .addMember(List.of(URI.create("http://10.0.0.4:2380")), true), cluster)
        .getMember().getId();
    assertThat(cluster).hasMembers(4).hasLearner(id);

    // 2. Start its process (as `etcd --initial-cluster-state=existing` would); it catches up.
    //    A learner serves only Status and serializable reads, so promote through the others.
    Member replacement = cluster.startAddedMember(id);
    //    etcd refuses the promotion while the learner is behind; a heartbeat sends it more.
    retryWhile("in sync with leader", Duration.ofMillis(100),
        () -> client.getClusterClient().promoteMember(id), cluster);
    assertThat(cluster).hasNoLearner().onMember(replacement).hasKey("config/a").withValue("1");

    try (Client viaReplacement = Client.builder()
        .endpoints(replacement.endpoint().orElseThrow()).build()) {
      // 3. Remove the old leader, asking a member that stays; the others elect a new leader.
      //    The replacement must have been connected to the voters for 5 s first.
      whenHealthy(() -> viaReplacement.getClusterClient().removeMember(leader.id()), cluster);
      Member newLeader = cluster.awaitLeader();

      assertThat(newLeader).isNotEqualTo(leader);
      assertThat(leader.isUp()).isFalse();                 // a removed etcd process exits
      assertThat(cluster).hasMembers(3).doesNotHaveMember(leader)
          .hasVoters(cluster.members().stream().filter(m -> m != leader).toArray(Member[]::new));

      // 4. The cluster serves writes and reads as before.
      viaReplacement.getKVClient().put(bytes("config/b"), bytes("2")).get();
      assertThat(viaReplacement.getKVClient().get(bytes("config/a")).get().getKvs())
          .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("1")));
      assertThat(cluster).hasKey("config/b").withValue("2");
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
