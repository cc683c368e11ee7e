package dev.fakeetcd.internal.history;

import java.util.Optional;

/**
 * PLACEHOLDER (branch hist-record): the linearizability checker is written on another branch; this
 * stand-in has its agreed signature only, so that the front door compiles, and finds nothing.
 */
public final class LinearizabilityChecker {

  private LinearizabilityChecker() {
  }

  /** PLACEHOLDER: always empty. */
  public static Optional<String> check(HistoryLog log) {
    return Optional.empty();
  }
}
