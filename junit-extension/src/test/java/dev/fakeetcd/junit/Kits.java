package dev.fakeetcd.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs test classes through the Jupiter engine, as a build would. */
final class Kits {

  private Kits() {
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
