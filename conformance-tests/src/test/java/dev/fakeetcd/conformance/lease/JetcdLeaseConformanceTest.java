package dev.fakeetcd.conformance.lease;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/** Leases as jetcd users see them. */
class JetcdLeaseConformanceTest {

  private static final ByteSequence KEY = ByteSequence.from("held", StandardCharsets.UTF_8);

  @ConformanceTest
  void keepAlive_keepsAMinimumTtlLeaseAliveBeyondItsTtl(EtcdTarget target, Client client)
      throws Exception {
    long id = await(client.getLeaseClient().grant(2)).getID();
    await(client.getKVClient().put(KEY, KEY, PutOption.builder().withLeaseId(id).build()));
    LinkedBlockingQueue<LeaseKeepAliveResponse> answers = new LinkedBlockingQueue<>();
    try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(id, observer(answers))) {
      Thread.sleep(4_000);

      assertThat(await(client.getKVClient().get(KEY)).getCount()).isEqualTo(1);
      assertThat(await(client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT)).getTTL())
          .isPositive();
      assertThat(answers).isNotEmpty().allSatisfy(a -> assertThat(a.getTTL()).isEqualTo(2));
    } finally {
      await(client.getLeaseClient().revoke(id));
    }
  }

  static StreamObserver<LeaseKeepAliveResponse> observer(
      LinkedBlockingQueue<LeaseKeepAliveResponse> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(LeaseKeepAliveResponse value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {
      }

      @Override
      public void onCompleted() {
      }
    };
  }
}
