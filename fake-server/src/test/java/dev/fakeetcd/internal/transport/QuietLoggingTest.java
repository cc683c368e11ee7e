package dev.fakeetcd.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

@ResourceLock(Resources.SYSTEM_PROPERTIES)
class QuietLoggingTest {

  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(QuietLogging.SLF4J_VERBOSITY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(QuietLogging.SLF4J_VERBOSITY);
    } else {
      System.setProperty(QuietLogging.SLF4J_VERBOSITY, saved);
    }
  }

  @Test
  void apply_verbosityUnset_silencesSlf4jWarnings() {
    System.clearProperty(QuietLogging.SLF4J_VERBOSITY);

    QuietLogging.apply();

    assertThat(System.getProperty(QuietLogging.SLF4J_VERBOSITY)).isEqualTo("ERROR");
  }

  @Test
  void apply_verbositySetByTheUser_keepsIt() {
    System.setProperty(QuietLogging.SLF4J_VERBOSITY, "WARN");

    QuietLogging.apply();

    assertThat(System.getProperty(QuietLogging.SLF4J_VERBOSITY)).isEqualTo("WARN");
  }

  @Test
  void apply_grpcTcpMetricsLoggers_logWarningsOnly() {
    QuietLogging.apply();

    assertThat(Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.TcpMetrics").isLoggable(Level.INFO))
        .isFalse();
    assertThat(Logger.getLogger("io.grpc.netty.TcpMetrics").isLoggable(Level.INFO)).isFalse();
  }
}
