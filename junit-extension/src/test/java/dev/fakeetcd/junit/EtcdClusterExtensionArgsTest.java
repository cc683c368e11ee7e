package dev.fakeetcd.junit;

import static dev.fakeetcd.junit.EtcdClusterExtensionTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.AutoCompaction;
import dev.fakeetcd.ClusterConfig;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** etcd flags given with {@code withAdditionalArgs}. */
class EtcdClusterExtensionArgsTest {

  @RegisterExtension
  static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
      .withAdditionalArgs(List.of("--max-txn-ops", "1"))
      .build();

  @Test
  void maxTxnOps_one_refusesATxnOfTwoOpsAsEtcdDoes() throws Exception {
    try (Client client = Client.builder().endpoints(cluster.clientEndpoints()).build()) {
      assertThatThrownBy(() -> client.getKVClient().txn()
          .Then(Op.put(bytes("a"), bytes("1"), PutOption.DEFAULT),
              Op.put(bytes("b"), bytes("2"), PutOption.DEFAULT))
          .commit().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("etcdserver: too many operations in txn request");
    }
  }

  @Test
  void withAdditionalArgs_eachSupportedFlagInEitherForm_setsTheClusterConfig() {
    try (EtcdClusterExtension flagged = EtcdClusterExtension.builder()
        .withAdditionalArgs(List.of("--max-txn-ops=7", "--max-request-bytes", "4096",
            "--quota-backend-bytes=65536", "--auto-compaction-mode", "revision",
            "--auto-compaction-retention=100", "--auth-token", "simple",
            "--auth-token-ttl=60", "--bcrypt-cost", "4", "--heartbeat-interval=50",
            "-election-timeout", "500"))
        .build()) {
      flagged.start();

      ClusterConfig config = flagged.cluster().config();
      assertThat(config.maxTxnOps()).isEqualTo(7);
      assertThat(config.maxRequestBytes()).isEqualTo(4096);
      assertThat(config.quotaBackendBytes()).isEqualTo(65536);
      assertThat(config.autoCompaction()).contains(AutoCompaction.revision(100));
      assertThat(config.authToken()).isEqualTo("simple");
      assertThat(config.authTokenTtl()).isEqualTo(Duration.ofSeconds(60));
      assertThat(config.bcryptCost()).isEqualTo(4);
      assertThat(config.heartbeat()).isEqualTo(Duration.ofMillis(50));
      assertThat(config.election()).isEqualTo(Duration.ofMillis(500));
    }
  }

  @Test
  void build_withAnUnsupportedFlag_failsNamingItAndListingTheSupportedOnes() {
    assertThatThrownBy(() -> EtcdClusterExtension.builder()
        .withAdditionalArgs(List.of("--max-txn-ops", "1", "--experimental-foo=bar")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--experimental-foo is not supported")
        .hasMessageContaining("--max-txn-ops, --max-request-bytes, --quota-backend-bytes");
  }

  @Test
  void build_withAFlagMissingItsValue_failsNamingIt() {
    assertThatThrownBy(() -> EtcdClusterExtension.builder()
        .withAdditionalArgs(List.of("--max-txn-ops")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd flag --max-txn-ops needs a value");
  }

  @Test
  void build_withAValueEtcdRefuses_failsNamingTheFlag() {
    assertThatThrownBy(() -> new EtcdClusterExtension("compat-bad", 1, false,
        "--max-txn-ops", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("etcd flag --max-txn-ops 0: ");
  }

  @Test
  void build_withNoNodes_fails() {
    assertThatThrownBy(() -> EtcdClusterExtension.builder().withNodes(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("members must be at least 1");
  }
}
