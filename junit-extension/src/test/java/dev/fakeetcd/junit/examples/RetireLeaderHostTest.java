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
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * An operator retires the host of the current leader without losing quorum, the way the etcd
 * docs advise: the replacement joins as a learner, catches up, is promoted, and only then is the
 * old member removed.
 */
@EtcdTest(members = 3)
class RetireLeaderHostTest {

  /** The operator's tooling: promote, retrying while etcd says the learner is still behind. */
  static void promoteWhenInSync(Cluster members, long id, EtcdCluster cluster) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        members.promoteMember(id).get();
        return;
      } catch (ExecutionException e) {
        if (attempt == 10 || !e.getCause().getMessage().contains("in sync with leader")) {
          throw e;
        }
        cluster.clock().advance(Duration.ofMillis(100));   // a heartbeat: the leader sends more
      }
    }
  }

  @Test
  void replaceLeader_learnerPromotedThenLeaderRemoved_keepsServing(EtcdCluster cluster,
      Client client, Member leader) throws Exception {
    client.getKVClient().put(bytes("config/a"), bytes("1")).get();

    // 1. Announce the new member as a learner: it counts for no quorum until promoted.
    long id = client.getClusterClient()
        .addMember(List.of(URI.create("http://10.0.0.4:2380")), true).get().getMember().getId();
    assertThat(cluster).hasMembers(4).hasLearner(id);

    // 2. Start its process (as `etcd --initial-cluster-state=existing` would); it catches up.
    //    A learner serves only Status and serializable reads, so promote through the others.
    Member replacement = cluster.startAddedMember(id);
    promoteWhenInSync(client.getClusterClient(), id, cluster);
    assertThat(cluster).hasNoLearner().onMember(replacement).hasKey("config/a").withValue("1");

    try (Client viaReplacement = Client.builder()
        .endpoints(replacement.endpoint().orElseThrow()).build()) {
      // 3. Remove the old leader, asking a member that stays; the others elect a new leader.
      viaReplacement.getClusterClient().removeMember(leader.id()).get();
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
