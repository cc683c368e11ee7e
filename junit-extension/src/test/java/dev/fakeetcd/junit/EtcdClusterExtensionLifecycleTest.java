package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.EtcdCluster;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** When clusters start and stop, by how the extension is registered (run through the engine). */
class EtcdClusterExtensionLifecycleTest {

  static class InstanceField {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();
    static final List<URI> ENDPOINTS = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
        .withClusterName("compat-per-test").build();

    @Test
    void first() {
      record();
    }

    @Test
    void second() {
      record();
    }

    private void record() {
      SEEN.add(cluster.cluster());
      ENDPOINTS.addAll(cluster.clientEndpoints());
    }
  }

  @Test
  void instanceField_eachTestGetsAFreshClusterClosedAfterIt() {
    InstanceField.SEEN.clear();
    InstanceField.ENDPOINTS.clear();

    Kits.assertAllSucceeded(Kits.run(InstanceField.class), 2);

    assertThat(InstanceField.SEEN).hasSize(2).doesNotHaveDuplicates();
    assertThat(EtcdClusterExtension.cluster("compat-per-test")).isNull();
    assertThat(InstanceField.ENDPOINTS).hasSize(2)
        .allSatisfy(EtcdClusterExtensionLifecycleTest::refused);
  }

  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class StaticField {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final EtcdClusterExtension cluster = EtcdClusterExtension.builder()
        .withClusterName("compat-per-class").build();

    @Test
    @Order(1)
    void first() {
      SEEN.add(cluster.cluster());
    }

    @Nested
    class Inner {
      @Test
      void inNested() {
        SEEN.add(cluster.cluster());
      }
    }

    @Test
    @Order(2)
    void second() {
      SEEN.add(cluster.cluster());
    }
  }

  @Test
  void staticField_oneClusterForTheClassAndItsNestedClassesClosedAfterIt() {
    StaticField.SEEN.clear();

    Kits.assertAllSucceeded(Kits.run(StaticField.class), 3);

    assertThat(StaticField.SEEN).hasSize(3).containsOnly(StaticField.SEEN.get(0));
    assertThat(EtcdClusterExtension.cluster("compat-per-class")).isNull();
    assertThat(StaticField.cluster.toString()).contains("compat-per-class");
    assertThatThrownBy(StaticField.cluster::clientEndpoints)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("compat-per-class is not running")
        .hasMessageContaining("@RegisterExtension");
  }

  @Test
  void start_of05StyleExtension_runsUntilClose() {
    try (EtcdClusterExtension cluster = new EtcdClusterExtension("compat-05", 3)) {
      cluster.start();

      assertThat(cluster.getClientEndpoints()).hasSize(3);
      assertThat(EtcdClusterExtension.cluster("compat-05")).isSameAs(cluster.cluster());

      cluster.close();

      assertThat(EtcdClusterExtension.cluster("compat-05")).isNull();
    }
  }

  @Test
  void start_withTheNameOfARunningCluster_failsNamingIt() {
    try (EtcdClusterExtension first = new EtcdClusterExtension("compat-twice", 1);
        EtcdClusterExtension second = new EtcdClusterExtension("compat-twice", 1)) {
      first.start();

      assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("compat-twice").hasMessageContaining("withClusterName");
      assertThat(EtcdClusterExtension.cluster("compat-twice")).isSameAs(first.cluster());
    }
  }

  static void refused(URI endpoint) {
    assertThatThrownBy(() -> new Socket(endpoint.getHost(), endpoint.getPort()).close())
        .as("connecting to %s", endpoint).isInstanceOf(ConnectException.class);
  }
}
