package dev.fakeetcd.conformance.lease;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.sim.VirtualClock;
import dev.fakeetcd.testing.StreamCollector;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A lease kept alive by jetcd on a fake whose clock only the test moves. */
class JetcdLeaseManualClockTest {

  private static final ByteSequence KEY = ByteSequence.from("held", StandardCharsets.UTF_8);

  @Test
  void keepAlive_stopped_leaseExpiresOnceTimeIsAdvanced() throws Exception {
    try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(5)
            .clockMode(VirtualClock.Mode.MANUAL).tcp(true).build());
        Client client = Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new))
            .build()) {
      long id = await(client.getLeaseClient().grant(5)).getID();
      await(client.getKVClient().put(KEY, KEY, PutOption.builder().withLeaseId(id).build()));
      StreamCollector<LeaseKeepAliveResponse> answers = new StreamCollector<>("keepalive answer");
      CloseableClient keepAlive = client.getLeaseClient().keepAlive(id, answers);
      answers.next();                             // the keepalive has started
      cluster.clock().advance(Duration.ofSeconds(4));
      boolean aliveWhileKept = await(client.getKVClient().get(KEY)).getCount() == 1;

      keepAlive.close();
      cluster.clock().advance(Duration.ofSeconds(6));

      assertThat(aliveWhileKept).isTrue();
      assertThat(await(client.getKVClient().get(KEY)).getCount()).isZero();
      assertThat(cluster.leases().list()).isEmpty();
    }
  }
}
