package dev.fakeetcd.benchmarks;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.fakeetcd.junit.EtcdTest;
import io.etcd.jetcd.Client;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The per-test path users run: trivial {@code @EtcdTest} tests with an injected jetcd
 * {@link Client}, each a fresh cluster, run by the JUnit Platform launcher in this JVM; every
 * test timed from JUnit's start to its finish, which comes after its cluster and client closed.
 */
final class PerTestJUnit {

  static final int TESTS = 50;

  private PerTestJUnit() {
  }

  // @EtcdTest on a class: each repetition is a test with its own cluster.

  @EtcdTest(members = 1)
  static final class OneMember {
    @RepeatedTest(TESTS)
    void putAndGet(Client client) throws Exception {
      PerTest.putAndGet(client);
    }
  }

  @EtcdTest(members = 3)
  static final class ThreeMembers {
    @RepeatedTest(TESTS)
    void putAndGet(Client client) throws Exception {
      PerTest.putAndGet(client);
    }
  }

  /** The first test of a fresh JVM ({@link FirstTest}). */
  @EtcdTest(members = 3)
  static final class First {
    @Test
    void putAndGet(Client client) throws Exception {
      PerTest.putAndGet(client);
    }
  }

  /** Runs the tests of {@code tests}; the nanoseconds of each, in order. */
  static long[] run(Launcher launcher, Class<?> tests) {
    Map<String, Long> started = new ConcurrentHashMap<>();
    List<Long> nanos = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    launcher.execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(tests))
        .build(), new TestExecutionListener() {
          @Override
          public void executionStarted(TestIdentifier test) {
            started.put(test.getUniqueId(), System.nanoTime());
          }

          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            result.getThrowable().ifPresent(failures::add);
            if (test.isTest()) {
              nanos.add(System.nanoTime() - started.get(test.getUniqueId()));
            }
          }
        });
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a per-test benchmark test failed", failures.get(0));
    }
    return nanos.stream().mapToLong(Long::longValue).toArray();
  }

  static Launcher launcher() {
    return LauncherFactory.create();
  }
}
