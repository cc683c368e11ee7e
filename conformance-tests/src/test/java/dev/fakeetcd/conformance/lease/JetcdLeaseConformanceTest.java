package dev.fakeetcd.conformance.lease;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.testing.StreamCollector;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import java.nio.charset.StandardCharsets;

/** Leases as jetcd users see them. */
class JetcdLeaseConformanceTest {

  private static final ByteSequence KEY = ByteSequence.from("held", StandardCharsets.UTF_8);

  @ConformanceTest
  void keepAlive_keepsAMinimumTtlLeaseAliveBeyondItsTtl(EtcdTarget target, Client client)
      throws Exception {
    long id = await(client.getLeaseClient().grant(2)).getID();
    await(client.getKVClient().put(KEY, KEY, PutOption.builder().withLeaseId(id).build()));
    StreamCollector<LeaseKeepAliveResponse> answers = new StreamCollector<>("keepalive answer");
    try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(id, answers)) {
      Thread.sleep(4_000);

      assertThat(await(client.getKVClient().get(KEY)).getCount()).isEqualTo(1);
      assertThat(await(client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT)).getTTL())
          .isPositive();
      assertThat(answers.drain()).isNotEmpty().allSatisfy(a -> assertThat(a.getTTL()).isEqualTo(2));
    } finally {
      await(client.getLeaseClient().revoke(id));
    }
  }
}
