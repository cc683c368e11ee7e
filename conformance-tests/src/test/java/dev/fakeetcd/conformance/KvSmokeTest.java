package dev.fakeetcd.conformance;

import static dev.fakeetcd.conformance.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;

class KvSmokeTest {

  private static final ByteSequence KEY = bytes("smoke/key");

  @ConformanceTest
  void put_thenGet_returnsValueAtPutRevision(Client client) {
    KV kv = client.getKVClient();

    long putRevision = await(kv.put(KEY, bytes("v1"))).getHeader().getRevision();
    GetResponse get = await(kv.get(KEY));

    assertThat(get.getHeader().getRevision()).isEqualTo(putRevision);
    assertThat(get.getKvs()).singleElement().satisfies(stored -> {
      assertThat(stored.getKey()).isEqualTo(KEY);
      assertThat(stored.getValue()).isEqualTo(bytes("v1"));
      assertThat(stored.getCreateRevision()).isEqualTo(putRevision);
      assertThat(stored.getModRevision()).isEqualTo(putRevision);
      assertThat(stored.getVersion()).isEqualTo(1);
    });
  }

  @ConformanceTest
  void put_overwrite_keepsCreateRevisionAndAdvancesModRevisionAndVersion(Client client) {
    KV kv = client.getKVClient();

    long firstRevision = await(kv.put(KEY, bytes("v1"))).getHeader().getRevision();
    PutResponse second = await(kv.put(KEY, bytes("v2"), PutOption.builder().withPrevKV().build()));
    KeyValue stored = await(kv.get(KEY)).getKvs().get(0);

    long secondRevision = second.getHeader().getRevision();
    assertThat(secondRevision).isEqualTo(firstRevision + 1);
    assertThat(second.hasPrevKv()).isTrue();
    assertThat(second.getPrevKv().getValue()).isEqualTo(bytes("v1"));
    assertThat(second.getPrevKv().getModRevision()).isEqualTo(firstRevision);
    assertThat(stored.getValue()).isEqualTo(bytes("v2"));
    assertThat(stored.getCreateRevision()).isEqualTo(firstRevision);
    assertThat(stored.getModRevision()).isEqualTo(secondRevision);
    assertThat(stored.getVersion()).isEqualTo(2);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
