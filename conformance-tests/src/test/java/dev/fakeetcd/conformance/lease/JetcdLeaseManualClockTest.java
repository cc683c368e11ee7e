package dev.fakeetcd.conformance.lease;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.VirtualClock;
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

/**
 * A lease kept alive by jetcd on a fake whose clock only the test moves: the member renews it on
 * the keep-alive stream's behalf while the stream is open (divergence #16).
 */
class JetcdLeaseManualClockTest {

  private static final ByteSequence KEY = ByteSequence.from("held", StandardCharsets.UTF_8);

  private static EtcdCluster cluster() {
    return FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(5)
        .clockMode(VirtualClock.Mode.MANUAL).tcp(true).build());
  }

  private static Client client(EtcdCluster cluster) {
    return Client.builder().endpoints(cluster.endpoints().toArray(URI[]::new)).build();
  }

  private record KeptAlive(long id, CloseableClient keepAlive) {
  }

  /** Grants a 5 s lease, attaches {@link #KEY} and keeps it alive from the first answer on. */
  private static KeptAlive keptAlive(Client client) {
    long id = await(client.getLeaseClient().grant(5)).getID();
    await(client.getKVClient().put(KEY, KEY, PutOption.builder().withLeaseId(id).build()));
    StreamCollector<LeaseKeepAliveResponse> answers = new StreamCollector<>("keepalive answer");
    CloseableClient keepAlive = client.getLeaseClient().keepAlive(id, answers);
    answers.next();                             // the keepalive has started
    return new KeptAlive(id, keepAlive);
  }

  @Test
  void keepAlive_clientClosed_leaseExpiresOnceTimeIsAdvanced() throws Exception {
    try (EtcdCluster cluster = cluster(); Client reader = client(cluster)) {
      Client owner = client(cluster);
      long id = keptAlive(owner).id();
      cluster.clock().advance(Duration.ofSeconds(10));
      boolean aliveWhileKept = await(reader.getKVClient().get(KEY)).getCount() == 1;

      owner.close();
      cluster.leases().awaitNotKeptAlive(id);   // the close has reached the member
      cluster.clock().advance(Duration.ofSeconds(7));

      assertThat(aliveWhileKept).isTrue();
      assertThat(await(reader.getKVClient().get(KEY)).getCount()).isZero();
      assertThat(cluster.leases().list()).isEmpty();
    }
  }

  /** jetcd stops renewing on the wire, but its stream stays open: the member goes on renewing. */
  @Test
  void keepAlive_closedWhileItsClientStaysOpen_leaseIsStillRenewed() throws Exception {
    try (EtcdCluster cluster = cluster(); Client client = client(cluster)) {
      KeptAlive lease = keptAlive(client);

      lease.keepAlive().close();
      cluster.clock().advance(Duration.ofSeconds(10));

      assertThat(await(client.getKVClient().get(KEY)).getCount()).isEqualTo(1);
      assertThat(cluster.leases().list()).extracting(l -> l.id()).containsExactly(lease.id());
      await(client.getLeaseClient().revoke(lease.id()));
      assertThat(await(client.getKVClient().get(KEY)).getCount()).isZero();
    }
  }
}
