package dev.fakeetcd.conformance;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** Skip-or-fail policy for targets this machine cannot run. */
final class Availability {

  private Availability() {}

  /**
   * Enabled when nothing is missing; otherwise disabled locally, but a failure when {@code CI=true}
   * so that a misconfigured CI cannot pass by skipping every real target.
   */
  static ConditionEvaluationResult evaluate(Optional<String> unavailableReason) {
    if (unavailableReason.isEmpty()) {
      return ConditionEvaluationResult.enabled("available");
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(
          unavailableReason.get() + " (CI=true: a missing target fails instead of being skipped)");
    }
    return ConditionEvaluationResult.disabled(unavailableReason.get());
  }
}
