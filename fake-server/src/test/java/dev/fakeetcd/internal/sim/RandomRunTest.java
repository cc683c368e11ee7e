package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Randomized runs, one per seed: Raft's safety properties are checked at every state change while
 * faults are injected, and after healing every run must converge. A failing seed is rerun with
 * {@code -Dtest=RandomRunTest#oneSeed_fromProperty -Dsim.seed=N}.
 */
class RandomRunTest {

  static final int SEEDS = 1000;
  static final int STEPS = 200;

  @Test
  void randomRuns_staySafeAndConvergeAfterHealing() {
    List<String> failures = new ArrayList<>();
    for (long seed = 0; seed < SEEDS; seed++) {
      try {
        new RandomRun(seed).chaos(STEPS).healAndConverge();
      } catch (Throwable t) {
        failures.add(describe(seed, t));
      }
    }
    assertThat(failures).as(failures.size() + " of " + SEEDS + " seeds failed").isEmpty();
  }

  @Test
  void oneSeed_fromProperty() {
    long seed = Long.getLong("sim.seed", 0L);
    RandomRun run = new RandomRun(seed);
    try {
      run.chaos(STEPS).healAndConverge();
    } catch (Throwable t) {
      throw new AssertionError(describe(seed, t) + "\nlast trace events:\n"
          + run.cluster.trace().render(), t);
    }
  }

  private static String describe(long seed, Throwable t) {
    StringWriter stack = new StringWriter();
    t.printStackTrace(new PrintWriter(stack));
    String[] lines = stack.toString().split("\n");
    StringBuilder top = new StringBuilder();
    for (int i = 0; i < Math.min(6, lines.length); i++) {
      top.append("\n    ").append(lines[i].strip());
    }
    return "seed " + seed + ": " + t + top
        + "\n  rerun: mvn -q -B -o -pl fake-server -am test"
        + " -Dtest='RandomRunTest#oneSeed_fromProperty' -Dsim.seed=" + seed
        + " -Dsurefire.failIfNoSpecifiedTests=false";
  }
}
