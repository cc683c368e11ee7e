package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.VirtualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SimClockTest {

  private final SimClock clock = new SimClock(VirtualClock.Mode.MANUAL);
  private final List<String> log = new ArrayList<>();

  @Test
  void now_startsAtEpochAndMovesOnlyWhenAdvanced() {
    assertThat(clock.now()).isEqualTo(SimClock.EPOCH);
    clock.runUntilIdle();
    assertThat(clock.nanos()).isZero();
    clock.advance(Duration.ofMillis(1500));
    assertThat(clock.now()).isEqualTo(SimClock.EPOCH.plusMillis(1500));
    assertThat(clock.millis()).isEqualTo(1500);
    assertThat(clock.nanos()).isEqualTo(1_500_000_000L);
  }

  @Test
  void advance_runsDueTimersInTimeOrderThenSchedulingOrder() {
    clock.schedule(Duration.ofMillis(30), () -> log.add("c"));
    clock.schedule(Duration.ofMillis(10), () -> log.add("a"));
    clock.schedule(Duration.ofMillis(20), () -> log.add("b1"));
    clock.schedule(Duration.ofMillis(20), () -> log.add("b2"));
    clock.advance(Duration.ofMillis(25));
    assertThat(log).containsExactly("a", "b1", "b2");
    clock.advance(Duration.ofMillis(5));
    assertThat(log).containsExactly("a", "b1", "b2", "c");
  }

  @Test
  void advance_timerSeesItsOwnDueTime() {
    List<Long> seen = new ArrayList<>();
    clock.schedule(Duration.ofMillis(40), () -> seen.add(clock.millis()));
    clock.advance(Duration.ofSeconds(1));
    assertThat(seen).containsExactly(40L);
    assertThat(clock.millis()).isEqualTo(1000);
  }

  @Test
  void advance_runsTimersScheduledByTimersWithinTheWindow() {
    clock.schedule(Duration.ofMillis(10), () -> {
      log.add("first@" + clock.millis());
      clock.schedule(Duration.ofMillis(10), () -> log.add("second@" + clock.millis()));
      clock.schedule(Duration.ofMillis(100), () -> log.add("late@" + clock.millis()));
    });
    clock.advance(Duration.ofMillis(50));
    assertThat(log).containsExactly("first@10", "second@20");
    assertThat(clock.pendingTimers()).isEqualTo(1);
  }

  @Test
  void schedule_zeroDelayRunsAfterEverythingAlreadyDueNow() {
    clock.schedule(Duration.ZERO, () -> {
      log.add("a");
      clock.schedule(Duration.ZERO, () -> log.add("c"));
    });
    clock.schedule(Duration.ZERO, () -> log.add("b"));
    assertThat(log).isEmpty();
    clock.runUntilIdle();
    assertThat(log).containsExactly("a", "b", "c");
    assertThat(clock.nanos()).isZero();
  }

  @Test
  void runUntilIdle_leavesFutureTimersAlone() {
    clock.schedule(Duration.ofNanos(1), () -> log.add("later"));
    clock.runUntilIdle();
    assertThat(log).isEmpty();
    assertThat(clock.pendingTimers()).isEqualTo(1);
  }

  @Test
  void cancel_keepsTimerFromRunning() {
    SimClock.Timer timer = clock.schedule(Duration.ofMillis(5), () -> log.add("x"));
    assertThat(timer.cancel()).isTrue();
    assertThat(timer.isPending()).isFalse();
    assertThat(timer.cancel()).isFalse();
    clock.advance(Duration.ofMillis(10));
    assertThat(log).isEmpty();
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void cancel_byAnEarlierTimerInTheSameWindow() {
    SimClock.Timer later = clock.schedule(Duration.ofMillis(20), () -> log.add("later"));
    clock.schedule(Duration.ofMillis(10), later::cancel);
    clock.advance(Duration.ofMillis(30));
    assertThat(log).isEmpty();
  }

  @Test
  void cancel_afterRunningReturnsFalse() {
    SimClock.Timer timer = clock.schedule(Duration.ZERO, () -> log.add("x"));
    clock.runUntilIdle();
    assertThat(timer.cancel()).isFalse();
    assertThat(log).containsExactly("x");
  }

  @Test
  void timer_reportsItsDueTime() {
    clock.advance(Duration.ofMillis(7));
    assertThat(clock.schedule(Duration.ofMillis(3), () -> { }).dueNanos()).isEqualTo(10_000_000L);
  }

  @Test
  void advance_rejectsNegativeDurationNamingIt() {
    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
  }

  @Test
  void schedule_rejectsNegativeDelayNamingIt() {
    assertThatThrownBy(() -> clock.schedule(Duration.ofSeconds(-2), () -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-2S");
  }

  @Test
  void advance_fromInsideATimerIsRejected() {
    clock.schedule(Duration.ZERO, () -> clock.advance(Duration.ofMillis(1)));
    assertThatThrownBy(clock::runUntilIdle).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside a timer");
  }

  @Test
  void runUntilIdle_reportsALivelock() {
    Runnable[] spin = new Runnable[1];
    spin[0] = () -> clock.schedule(Duration.ZERO, spin[0]);
    clock.schedule(Duration.ZERO, spin[0]);
    assertThatThrownBy(clock::runUntilIdle).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not settle");
  }

  @Test
  void asClock_showsVirtualInstantAndMillis() {
    Clock face = clock.asClock();
    clock.advance(Duration.ofSeconds(90));
    assertThat(face.instant()).isEqualTo(Instant.parse("2025-01-01T00:01:30Z"));
    assertThat(face.millis()).isEqualTo(face.instant().toEpochMilli());
    assertThat(face.getZone()).isEqualTo(ZoneId.of("Z"));
    Clock paris = face.withZone(ZoneId.of("Europe/Paris"));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(face.instant());
  }

  @Test
  void mode_isWhatTheClockWasCreatedWith() {
    assertThat(new SimClock(VirtualClock.Mode.WALL_CLOCK).mode())
        .isEqualTo(VirtualClock.Mode.WALL_CLOCK);
  }

  @Test
  void autoAdvance_jumpsToNextTimersUntilTheWaitIsOver() {
    SimClock auto = new SimClock(VirtualClock.Mode.AUTO_ADVANCE);
    AtomicBoolean done = new AtomicBoolean();
    auto.schedule(Duration.ofMillis(100), () -> log.add("tick"));
    auto.schedule(Duration.ofMillis(300), () -> done.set(true));
    auto.schedule(Duration.ofMillis(900), () -> log.add("never"));
    assertThat(auto.autoAdvance(() -> !done.get(), Duration.ofSeconds(5))).isTrue();
    assertThat(auto.millis()).isEqualTo(300);
    assertThat(log).containsExactly("tick");
  }

  @Test
  void autoAdvance_stopsAtMaxJump() {
    SimClock auto = new SimClock(VirtualClock.Mode.AUTO_ADVANCE);
    auto.schedule(Duration.ofMillis(100), () -> log.add("tick"));
    auto.schedule(Duration.ofSeconds(10), () -> log.add("far"));
    assertThat(auto.autoAdvance(() -> true, Duration.ofSeconds(1))).isFalse();
    assertThat(log).containsExactly("tick");
    assertThat(auto.millis()).isEqualTo(100);
  }

  @Test
  void autoAdvance_inManualModeRunsOnlyWhatIsDueNow() {
    clock.schedule(Duration.ZERO, () -> log.add("now"));
    clock.schedule(Duration.ofMillis(1), () -> log.add("later"));
    assertThat(clock.autoAdvance(() -> true, Duration.ofSeconds(1))).isFalse();
    assertThat(log).containsExactly("now");
    assertThat(clock.nanos()).isZero();
  }

  @Test
  void syncTo_movesByRealTimeElapsedSinceLastReport() {
    SimClock wall = new SimClock(VirtualClock.Mode.WALL_CLOCK);
    wall.schedule(Duration.ofMillis(150), () -> log.add("due"));
    wall.syncTo(100_000_000L);
    assertThat(wall.millis()).isEqualTo(100);
    wall.advance(Duration.ofSeconds(1));
    assertThat(log).containsExactly("due");
    wall.syncTo(300_000_000L);
    assertThat(wall.millis()).isEqualTo(1300);
  }

  @Test
  void syncTo_rejectsTimeGoingBackwards() {
    SimClock wall = new SimClock(VirtualClock.Mode.WALL_CLOCK);
    wall.syncTo(50);
    assertThatThrownBy(() -> wall.syncTo(49)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("49");
  }

  @Test
  void syncTo_outsideWallClockModeIsRejected() {
    assertThatThrownBy(() -> clock.syncTo(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MANUAL");
  }
}
