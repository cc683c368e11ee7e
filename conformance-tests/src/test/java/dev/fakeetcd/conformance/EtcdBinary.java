package dev.fakeetcd.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Locates the real etcd and etcdctl binaries; as an extension, skips (or on CI fails) tests when it is missing. */
public final class EtcdBinary implements ExecutionCondition {

  private static final String OVERRIDE_VARIABLE = "ETCD_BIN";
  private static final Path DEFAULT_PATH = Path.of("/usr/bin/etcd");

  public static Path path() {
    String override = System.getenv(OVERRIDE_VARIABLE);
    return override == null || override.isBlank() ? DEFAULT_PATH : Path.of(override);
  }

  /** etcdctl, from the same installation as etcd. */
  public static Path etcdctl() {
    return path().resolveSibling("etcdctl");
  }

  static Optional<String> unavailableReason() {
    for (Path path : new Path[] {path(), etcdctl()}) {
      if (!Files.isExecutable(path)) {
        return Optional.of("no executable " + path.getFileName() + " at " + path + " ("
            + OVERRIDE_VARIABLE + " overrides etcd's path); install both with:"
            + " apt-get update && apt-get install -y etcd-server etcd-client");
      }
    }
    return Optional.empty();
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return Availability.evaluate(unavailableReason());
  }
}
