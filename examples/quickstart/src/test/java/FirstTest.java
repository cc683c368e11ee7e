import static dev.fakeetcd.junit.EtcdAssertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EtcdTest(members = 3)
class FirstTest {
  @Test
  void survivesLosingTheLeader(EtcdCluster cluster, Client client, Member leader) throws Exception {
    client.getKVClient().put(bytes("config/a"), bytes("1")).get();
    long term = leader.term();

    cluster.network().isolate(leader);
    cluster.clock().advance(Duration.ofSeconds(3));   // an election, in no wall time

    assertThat(cluster).hasLeader().termIsGreaterThan(term).hasKey("config/a").withValue("1");
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
