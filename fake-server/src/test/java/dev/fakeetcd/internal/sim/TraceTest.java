package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TraceTest {

  private final SimClock clock = new SimClock(VirtualClock.Mode.MANUAL);

  @Test
  void record_stampsVirtualTimeAndSequence() {
    Trace trace = new Trace(clock, 10);
    trace.record(Trace.Type.FAULT, 0, "heal");
    clock.advance(Duration.ofMillis(1500));
    trace.record(Trace.Type.LEADER, 2, "term 3");
    assertThat(trace.events()).extracting(Trace.Event::render)
        .containsExactly("0 0.000000000s FAULT - heal", "1 1.500000000s LEADER 2 term 3");
  }

  @Test
  void record_keepsOnlyTheLastCapacityEvents() {
    Trace trace = new Trace(clock, 3);
    for (int i = 0; i < 5; i++) {
      trace.record(Trace.Type.CLIENT, 1, "op " + i);
    }
    assertThat(trace.events()).extracting(Trace.Event::detail).containsExactly(
        "op 2", "op 3", "op 4");
    assertThat(trace.recordedCount()).isEqualTo(5);
  }

  @Test
  void digest_coversEventsNoLongerRetained() {
    Trace small = new Trace(clock, 2);
    Trace large = new Trace(clock, 100);
    for (int i = 0; i < 10; i++) {
      small.record(Trace.Type.COMMIT, 1, "index " + i);
      large.record(Trace.Type.COMMIT, 1, "index " + i);
    }
    assertThat(small.digest()).isEqualTo(large.digest()).hasSize(64);
  }

  @Test
  void digest_isStableAcrossInstancesAndChangesWithAnyEvent() {
    Trace a = new Trace(clock, 5);
    Trace b = new Trace(clock, 5);
    a.record(Trace.Type.CLIENT, 1, "put k v");
    b.record(Trace.Type.CLIENT, 1, "put k v");
    assertThat(a.digest()).isEqualTo(b.digest());
    String before = a.digest();
    a.record(Trace.Type.CLIENT, 1, "get k");
    assertThat(a.digest()).isNotEqualTo(before);
    b.record(Trace.Type.CLIENT, 2, "get k");
    assertThat(a.digest()).isNotEqualTo(b.digest());
  }

  @Test
  void digest_ofNoEventsIsSha256OfNothing() {
    assertThat(new Trace(clock, 1).digest())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void render_listsRetainedEventsOnePerLine() {
    Trace trace = new Trace(clock, 2);
    trace.record(Trace.Type.FAULT, 0, "a");
    trace.record(Trace.Type.FAULT, 0, "b");
    trace.record(Trace.Type.FAULT, 0, "c");
    assertThat(trace.render()).isEqualTo("1 0.000000000s FAULT - b\n2 0.000000000s FAULT - c\n");
  }

  @Test
  void member_rendersNameAndHexIdOnceNamed() {
    Trace trace = new Trace(clock, 10);
    trace.record(Trace.Type.FAULT, 255, "crash");
    trace.name(255, "member-1");
    trace.record(Trace.Type.FAULT, 255, "restart");

    assertThat(trace.render())
        .isEqualTo("0 0.000000000s FAULT ff crash\n1 0.000000000s FAULT member-1(ff) restart\n");
    assertThat(trace.member(0)).isEqualTo("-");
    assertThat(trace.members(java.util.List.of(255L, 16L))).isEqualTo("[member-1(ff), 10]");
  }

  @Test
  void summary_foldsRoutineEventsIntoCountsPerKindBetweenNotableOnes() {
    Trace trace = new Trace(clock, 100);
    trace.record(Trace.Type.FAULT, 0, "heal");
    clock.advance(Duration.ofMillis(100));
    trace.record(Trace.Type.DELIVER, 1, "heartbeats", "from 2 MSG_HEARTBEAT");
    trace.record(Trace.Type.COMMIT, 1, "commit 3");
    clock.advance(Duration.ofMillis(100));
    trace.record(Trace.Type.DELIVER, 1, "heartbeats", "from 2 MSG_HEARTBEAT");
    trace.record(Trace.Type.ELECTION, 1, "CANDIDATE term 2");
    trace.record(Trace.Type.APPLY, 1, "2/4 0B");

    assertThat(trace.summary(10)).isEqualTo("""
        0 0.000000000s FAULT - heal
        ... 1 commits, 2 heartbeats between 0.100000000s and 0.200000000s
        4 0.200000000s ELECTION 1 CANDIDATE term 2
        ... 1 applies at 0.200000000s
        """);
  }

  @Test
  void summary_keepsNotableEventsTheRingNoLongerHoldsAndShowsTheLastOnes() {
    Trace trace = new Trace(clock, 5);
    trace.record(Trace.Type.FAULT, 1, "isolate");
    trace.record(Trace.Type.FAULT, 1, "crash");
    for (int i = 0; i < 50; i++) {
      trace.record(Trace.Type.DELIVER, 2, "heartbeats", "from 3 MSG_HEARTBEAT");
    }

    assertThat(trace.render()).doesNotContain("crash");
    assertThat(trace.summary(1)).isEqualTo("""
        (1 earlier notable events not shown)
        1 0.000000000s FAULT 1 crash
        ... 50 heartbeats at 0.000000000s
        """);
  }

  @Test
  void constructor_rejectsNonPositiveCapacityNamingIt() {
    assertThatThrownBy(() -> new Trace(clock, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }
}
