package dev.fakeetcd.junit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdMember;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Reading from a member cut off from the others: stale if serializable, an error if not. */
@EtcdTest(members = 3)
class StaleReadTest {

  @Test
  void read_fromIsolatedMember_isStaleWhenSerializableAndFailsWhenLinearizable(
      EtcdCluster cluster, Member leader, @EtcdMember(0) Member m0, @EtcdMember(1) Member m1)
      throws Exception {
    Member isolated = leader == m0 ? m1 : m0;
    try (Client writer = Client.builder().endpoints(leader.endpoint().orElseThrow()).build();
        Client reader = Client.builder().endpoints(isolated.endpoint().orElseThrow()).build()) {
      writer.getKVClient().put(bytes("k"), bytes("old")).get();
      cluster.network().isolate(isolated);
      writer.getKVClient().put(bytes("k"), bytes("new")).get();

      GetOption serializable = GetOption.builder().withSerializable(true).build();
      assertThat(reader.getKVClient().get(bytes("k"), serializable).get().getKvs())
          .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("old")));
      // Linearizable: the member cannot reach a leader; in virtual time the request times out.
      assertThatThrownBy(() -> reader.getKVClient().get(bytes("k")).get())
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("etcdserver: request timed out");
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
