package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Same seed and same calls, same trace, byte for byte; different seeds, different traces. */
class DeterminismTest {

  private static final long SEED = 4242;
  private static final int STEPS = 150;

  private static String digest(long seed) {
    return new RandomRun(seed).chaos(STEPS).healAndConverge().digest();
  }

  @Test
  void digest_sameSeedRepeatedInOneJvmIsIdentical() {
    String first = digest(SEED);
    assertThat(digest(SEED)).isEqualTo(first);
    assertThat(digest(SEED)).isEqualTo(first);
  }

  @Test
  void digest_differentSeedsDiffer() {
    assertThat(List.of(digest(1), digest(2), digest(3))).doesNotHaveDuplicates();
  }

  @Test
  void digest_sameSeedInAFreshJvmIsIdentical() throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        RandomRun.class.getName(), Long.toString(SEED), Integer.toString(STEPS))
        .redirectErrorStream(true).start();
    boolean exited = child.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      child.destroyForcibly();
    }
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(exited).as("child JVM finished within 60 s").isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output.strip()).isEqualTo(digest(SEED));
  }
}
