package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.VirtualClock;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

class LifecycleTest {

  @EtcdTest(members = 1)
  static class PerMethod {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void first(EtcdCluster cluster) {
      SEEN.add(cluster);
    }

    @Test
    void second(EtcdCluster cluster) {
      SEEN.add(cluster);
    }
  }

  @Test
  void perMethod_eachTestGetsItsOwnCluster() {
    PerMethod.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(PerMethod.class), 2);
    assertThat(PerMethod.SEEN).hasSize(2).doesNotHaveDuplicates();
  }

  @EtcdTest(members = 1, perClass = true)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class SharedByAttribute {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @Test
    @Order(1)
    void first(EtcdCluster cluster) {
      SEEN.add(cluster);
    }

    @Test
    @Order(2)
    void second(EtcdCluster cluster) {
      SEEN.add(cluster);
    }
  }

  @Test
  void perClassAttribute_testsShareOneCluster() {
    SharedByAttribute.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(SharedByAttribute.class), 2);
    assertThat(SharedByAttribute.SEEN).hasSize(2).containsOnly(SharedByAttribute.SEEN.get(0));
  }

  @EtcdTest(members = 1)
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  static class SharedByInstanceLifecycle {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();
    EtcdCluster field;

    @Test
    void first() {
      SEEN.add(field);
    }

    @Test
    void second() {
      SEEN.add(field);
    }
  }

  @Test
  void testInstancePerClass_testsShareOneCluster() {
    SharedByInstanceLifecycle.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(SharedByInstanceLifecycle.class), 2);
    assertThat(SharedByInstanceLifecycle.SEEN).hasSize(2)
        .containsOnly(SharedByInstanceLifecycle.SEEN.get(0)).doesNotContainNull();
  }

  @EtcdTest(members = 5, clock = VirtualClock.Mode.MANUAL)
  static class Outer {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @Nested
    class Inner {
      @Test
      void inherits(EtcdCluster cluster) {
        SEEN.add(cluster);
      }
    }
  }

  @Test
  void nested_inheritsTheEnclosingSettings() {
    Outer.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(Outer.class), 1);
    assertThat(Outer.SEEN).singleElement().satisfies(c -> {
      assertThat(c.members()).hasSize(5);
      assertThat(c.clock().mode()).isEqualTo(VirtualClock.Mode.MANUAL);
    });
  }

  @EtcdTest(members = 1, perClass = true)
  static class SharedOuter {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void outer(EtcdCluster cluster) {
      SEEN.add(cluster);
    }

    @Nested
    class Inner {
      @Test
      void inner(EtcdCluster cluster) {
        SEEN.add(cluster);
      }
    }
  }

  @Test
  void nested_inASharingClass_usesTheSharedCluster() {
    SharedOuter.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(SharedOuter.class), 2);
    assertThat(SharedOuter.SEEN).hasSize(2).containsOnly(SharedOuter.SEEN.get(0));
  }

  @Retention(RetentionPolicy.RUNTIME)
  @EtcdTest(members = 1, seed = 99, tcp = false)
  @interface SmallInProcessEtcd {
  }

  @SmallInProcessEtcd
  static class MetaAnnotated {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void test(EtcdCluster cluster) {
      SEEN.add(cluster);
    }
  }

  @Test
  void metaAnnotation_configuresTheCluster() {
    MetaAnnotated.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(MetaAnnotated.class), 1);
    assertThat(MetaAnnotated.SEEN).singleElement().satisfies(c -> {
      assertThat(c.members()).hasSize(1);
      assertThat(c.seed()).isEqualTo(99);
      assertThat(c.endpoints()).isEmpty();
    });
  }

  @EtcdTest(members = 3)
  static class MethodOverride {
    static final List<EtcdCluster> SEEN = new CopyOnWriteArrayList<>();

    @EtcdTest(members = 1, maxTxnOps = 4)
    void own(EtcdCluster cluster) {
      SEEN.add(cluster);
    }
  }

  @Test
  void methodAnnotation_makesATestWithItsOwnSettings() {
    MethodOverride.SEEN.clear();
    Kits.assertAllSucceeded(Kits.run(MethodOverride.class), 1);
    assertThat(MethodOverride.SEEN).singleElement().satisfies(c -> {
      assertThat(c.members()).hasSize(1);
      assertThat(c.config().maxTxnOps()).isEqualTo(4);
    });
  }
}
