package dev.fakeetcd.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Locates the real etcd binary; as an extension, skips (or on CI fails) tests when it is missing. */
public final class EtcdBinary implements ExecutionCondition {

  private static final String OVERRIDE_VARIABLE = "ETCD_BIN";
  private static final Path DEFAULT_PATH = Path.of("/usr/bin/etcd");

  public static Path path() {
    String override = System.getenv(OVERRIDE_VARIABLE);
    return override == null || override.isBlank() ? DEFAULT_PATH : Path.of(override);
  }

  static Optional<String> unavailableReason() {
    Path path = path();
    if (Files.isExecutable(path)) {
      return Optional.empty();
    }
    return Optional.of("no executable etcd at " + path + " (" + OVERRIDE_VARIABLE
        + " overrides the path); install it with:"
        + " apt-get update && apt-get install -y etcd-server etcd-client");
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return Availability.evaluate(unavailableReason());
  }
}
