package dev.fakeetcd.junit;

/**
 * Attached to a failed test's exception as a suppressed one: the seed, how to rerun with it, each
 * member's state and the trace's notable events. Carries no stack trace of its own.
 */
final class ClusterReport extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ClusterReport(String report) {
    super(report, null, false, false);
  }
}
