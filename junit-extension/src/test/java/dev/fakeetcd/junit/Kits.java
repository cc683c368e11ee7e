package dev.fakeetcd.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs test classes through the Jupiter engine, as a build would. */
final class Kits {

  private Kits() {
  }

  /** Asserts that {@code count} tests ran and all succeeded, showing any failure in full. */
  static void assertAllSucceeded(EngineExecutionResults results, int count) {
    List<Throwable> failures = failures(results);
    assertThat(failures).as("failures").isEmpty();
    assertThat(results.testEvents().succeeded().count()).as("succeeded tests").isEqualTo(count);
  }

  /** Every failure of a test or container, in order. */
  static List<Throwable> failures(EngineExecutionResults results) {
    return results.allEvents().failed().stream()
        .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
        .toList();
  }

  static EngineExecutionResults run(Class<?> testClass) {
    return run(testClass, Map.of());
  }

  static EngineExecutionResults run(Class<?> testClass, Map<String, String> parameters) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
        .configurationParameters(parameters)
        .configurationParameter(EtcdExtension.TRACE_DIR_PARAMETER, "target/fake-etcd-kit")
        .execute();
  }
}
