package dev.fakeetcd.junit.examples;

import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
import static dev.fakeetcd.junit.examples.WatchReconnectTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.junit.EtcdMember;
import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service reads with {@code GetOption.builder().withSerializable(true)} from a member that gets cut off:
 * it reads stale data, as etcd allows, and the history shows its reads still sequentially
 * consistent (its member's state never went backwards, and each read matched that state).
 */
@EtcdTest(members = 3)
class HistoryCheckedStaleReadTest {

  @Test
  void serializableRead_onIsolatedMember_isStaleButSequentiallyConsistent(EtcdCluster cluster,
      Member leader, @EtcdMember(0) Member m0, @EtcdMember(1) Member m1) throws Exception {
    Member isolated = leader == m0 ? m1 : m0;
    GetOption serializable = GetOption.builder().withSerializable(true).build();
    try (Client writer = KeepAliveOnVirtualTimeTest.onlyOn(leader);
        Client reader = KeepAliveOnVirtualTimeTest.onlyOn(isolated)) {
      KV kv = reader.getKVClient();
      writer.getKVClient().put(bytes("k"), bytes("old")).get(10, TimeUnit.SECONDS);
      kv.get(bytes("k")).get(10, TimeUnit.SECONDS); // linearizable: its member has applied "old"
      assertThat(value(kv, serializable)).isEqualTo("old");

      cluster.network().isolate(isolated);
      writer.getKVClient().put(bytes("k"), bytes("new")).get(10, TimeUnit.SECONDS);

      assertThat(value(kv, serializable)).isEqualTo("old");
    }

    assertThat(cluster).hasKey("k").withValue("new");
    assertThat(cluster).onMember(isolated).hasKey("k").withValue("old");
    assertThat(cluster).history().serializableReadsAreSequentiallyConsistent().isLinearizable();
  }

  static String value(KV kv, GetOption option) throws Exception {
    return kv.get(bytes("k"), option).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
        .toString();
  }
}
