package dev.fakeetcd.internal.transport;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a test run without a logging setup quiet, without choosing a logging provider for anyone:
 * what a user has configured is left alone.
 *
 * <ul>
 *   <li>SLF4J 2 (which jetcd brings) warns on stderr that it found no provider, as soon as the
 *       first logger is made: by the grpc-java Netty of the fake's ports or of jetcd. Its
 *       {@code slf4j.internal.verbosity} property, read then, silences that warning; it is set
 *       only if the user has not set it, and does nothing once a provider is present.
 *   <li>grpc-java's TcpMetrics, in both its shaded (the fake's) and plain (jetcd's) Netty, logs an
 *       INFO line about epoll when first loaded; those two loggers are raised to WARNING when no
 *       level was configured for them.
 * </ul>
 */
public final class QuietLogging {

  static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

  /** Strong references: java.util.logging forgets the level of a logger nobody holds. */
  private static final List<Logger> QUIETED = List.of(
      Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.TcpMetrics"),
      Logger.getLogger("io.grpc.netty.TcpMetrics"));

  private QuietLogging() {
  }

  /** Applies the above; idempotent. */
  public static void apply() {
    if (System.getProperty(SLF4J_VERBOSITY) == null) {
      System.setProperty(SLF4J_VERBOSITY, "ERROR");
    }
    for (Logger logger : QUIETED) {
      if (logger.getLevel() == null) {
        logger.setLevel(Level.WARNING);
      }
    }
  }
}
