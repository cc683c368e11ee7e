package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A reader of old revisions whose history is compacted away under it. */
@EtcdTest(members = 3)
class CompactedHistoryTest {

  @Test
  void get_atCompactedRevision_failsWithCompacted(EtcdCluster cluster, Client client)
      throws Exception {
    KV kv = client.getKVClient();
    long first = kv.put(bytes("k"), bytes("v1")).get().getHeader().getRevision();
    kv.put(bytes("k"), bytes("v2")).get();
    GetOption atFirst = GetOption.builder().withRevision(first).build();
    assertThat(kv.get(bytes("k"), atFirst).get().getKvs().get(0).getValue()).isEqualTo(bytes("v1"));

    cluster.compact(first + 1);

    assertThatThrownBy(() -> kv.get(bytes("k"), atFirst).get())
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("etcdserver: mvcc: required revision has been compacted");
    assertThat(kv.get(bytes("k")).get().getKvs().get(0).getValue()).isEqualTo(bytes("v2"));
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
