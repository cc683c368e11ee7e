package dev.fakeetcd.internal.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimNetworkTest {

  private final SimClock clock = new SimClock(VirtualClock.Mode.MANUAL);
  private final Trace trace = new Trace(clock, 1000);
  private final List<String> received = new ArrayList<>();
  private final List<String> bounced = new ArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final SimNetwork network = new SimNetwork(
      clock, new SplittableRandom(42), trace, message -> !"unique".equals(message));

  SimNetworkTest() {
    for (long id = 1; id <= 3; id++) {
      Endpoint e = new Endpoint(id);
      endpoints.add(e);
      network.attach(id, e);
    }
  }

  private final class Endpoint implements SimNetwork.Receiver {
    private final long id;
    private boolean up = true;

    Endpoint(long id) {
      this.id = id;
    }

    @Override
    public boolean isUp() {
      return up;
    }

    @Override
    public void receive(long from, Object message) {
      received.add(from + "->" + id + ":" + message);
    }

    @Override
    public void undelivered(long to, Object message) {
      bounced.add(id + "->" + to + ":" + message);
    }
  }

  @Test
  void connectedSince_isEmptyWhileCutOrDownAndRestartsAtHealOrRestart() {
    clock.advance(Duration.ofSeconds(1));
    network.cut(1, 2);
    boolean connectedWhileCut = network.connectedSince(2, 1).isPresent();
    clock.advance(Duration.ofSeconds(1));
    network.heal();
    long healed = clock.nanos();
    clock.advance(Duration.ofSeconds(1));
    endpoints.get(2).up = false;
    boolean connectedWhileDown = network.connectedSince(1, 3).isPresent();
    endpoints.get(2).up = true;
    network.restarted(3);

    assertThat(connectedWhileCut).isFalse();
    assertThat(connectedWhileDown).isFalse();
    assertThat(network.connectedSince(1, 2)).hasValue(healed);
    assertThat(network.connectedSince(1, 3)).hasValue(clock.nanos());
    assertThat(network.connectedSince(2, 3)).hasValue(clock.nanos());
  }

  @Test
  void send_onHealthyLinkArrivesWithoutTimePassingButOnlyWhenRun() {
    network.send(1, 2, "a");
    assertThat(received).isEmpty();
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:a");
    assertThat(clock.nanos()).isZero();
  }

  @Test
  void send_preservesOrderOnALinkWithoutJitter() {
    network.latency(Duration.ofMillis(5), Duration.ZERO);
    for (int i = 0; i < 5; i++) {
      network.send(1, 2, i);
    }
    clock.advance(Duration.ofMillis(5));
    assertThat(received).containsExactly("1->2:0", "1->2:1", "1->2:2", "1->2:3", "1->2:4");
  }

  @Test
  void latency_delaysDeliveryOnThatLinkOnly() {
    network.latency(1, 2, Duration.ofMillis(10), Duration.ZERO);
    network.send(1, 2, "slow");
    network.send(2, 1, "fast");
    clock.runUntilIdle();
    assertThat(received).containsExactly("2->1:fast");
    clock.advance(Duration.ofMillis(9));
    assertThat(received).containsExactly("2->1:fast");
    clock.advance(Duration.ofMillis(1));
    assertThat(received).containsExactly("2->1:fast", "1->2:slow");
  }

  @Test
  void latency_jitterReordersMessages() {
    network.latency(Duration.ofMillis(1), Duration.ofMillis(50));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      network.send(1, 2, i);
      sent.add("1->2:" + i);
    }
    clock.advance(Duration.ofMillis(51));
    assertThat(received).containsExactlyInAnyOrderElementsOf(sent).isNotEqualTo(sent);
  }

  @Test
  void partition_cutsLinksBetweenGroupsInBothDirections() {
    network.partition(Set.of(1L), Set.of(2L, 3L));
    network.send(1, 2, "x");
    network.send(3, 1, "y");
    network.send(2, 3, "z");
    clock.runUntilIdle();
    assertThat(received).containsExactly("2->3:z");
    assertThat(network.isCut(1, 3)).isTrue();
    assertThat(network.isCut(3, 2)).isFalse();
  }

  @Test
  void partition_putsUnnamedMembersInOneMoreGroup() {
    network.partition(Set.of(1L));
    assertThat(network.isCut(1, 2)).isTrue();
    assertThat(network.isCut(2, 3)).isFalse();
  }

  @Test
  void partition_rejectsAMemberInTwoGroups() {
    assertThatThrownBy(() -> network.partition(Set.of(1L, 2L), Set.of(2L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("member 2");
  }

  @Test
  void partition_dropsMessagesAlreadyInFlight() {
    network.latency(Duration.ofMillis(10), Duration.ZERO);
    network.send(1, 2, "inflight");
    network.partition(Set.of(1L), Set.of(2L, 3L));
    clock.advance(Duration.ofMillis(10));
    assertThat(received).isEmpty();
    assertThat(trace.events()).extracting(Trace.Event::type).contains(Trace.Type.DROP);
  }

  @Test
  void isolate_cutsEveryLinkOfThatMember() {
    network.isolate(2);
    network.send(1, 2, "a");
    network.send(2, 3, "b");
    network.send(1, 3, "c");
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->3:c");
  }

  @Test
  void cut_isOneWay() {
    network.cut(1, 2);
    network.send(1, 2, "lost");
    network.send(2, 1, "back");
    clock.runUntilIdle();
    assertThat(received).containsExactly("2->1:back");
  }

  @Test
  void heal_restoresEveryLinkAndClearsLossAndLatency() {
    network.isolate(1);
    network.lossRate(1.0);
    network.latency(Duration.ofSeconds(1), Duration.ZERO);
    network.heal();
    network.send(1, 2, "a");
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:a");
  }

  @Test
  void lossRate_oneDropsEverythingZeroDropsNothing() {
    network.lossRate(1.0);
    network.send(1, 2, "a");
    network.lossRate(0.0);
    network.send(1, 2, "b");
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:b");
  }

  @Test
  void lossRate_perLinkOverridesGlobal() {
    network.lossRate(1.0);
    network.lossRate(1, 2, 0.0);
    network.send(1, 2, "kept");
    network.send(1, 3, "lost");
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:kept");
  }

  @Test
  void lossRate_halfDropsSomeAndKeepsSome() {
    network.lossRate(0.5);
    for (int i = 0; i < 200; i++) {
      network.send(1, 2, i);
    }
    clock.runUntilIdle();
    assertThat(received.size()).isBetween(60, 140);
  }

  @Test
  void lossRate_rejectsOutOfRangeNamingValue() {
    assertThatThrownBy(() -> network.lossRate(1.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.5");
    assertThatThrownBy(() -> network.lossRate(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
  }

  @Test
  void duplicationRate_oneDeliversEveryMessageTwice() {
    network.duplicationRate(1.0);
    network.send(1, 2, "a");
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:a", "1->2:a");
  }

  @Test
  void duplicationRate_neverCopiesAMessageThatMustArriveOnce() {
    network.duplicationRate(1.0);
    network.send(1, 2, "unique");
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:unique");
  }

  @Test
  void hold_keepsMessagesUntilReleasedInOrder() {
    network.hold(1, 2);
    network.send(1, 2, "a");
    network.send(1, 2, "b");
    network.send(2, 1, "other");
    clock.advance(Duration.ofSeconds(1));
    assertThat(received).containsExactly("2->1:other");
    assertThat(network.heldCount(1, 2)).isEqualTo(2);
    network.release(1, 2);
    network.send(1, 2, "c");
    clock.runUntilIdle();
    assertThat(received).containsExactly("2->1:other", "1->2:a", "1->2:b", "1->2:c");
  }

  @Test
  void releaseOne_deliversOnlyTheOldestAndKeepsHolding() {
    network.hold(1, 2);
    network.send(1, 2, "a");
    network.send(1, 2, "b");
    assertThat(network.releaseOne(1, 2)).isTrue();
    clock.runUntilIdle();
    assertThat(received).containsExactly("1->2:a");
    network.send(1, 2, "c");
    assertThat(network.heldCount(1, 2)).isEqualTo(2);
    assertThat(network.releaseOne(2, 1)).isFalse();
  }

  @Test
  void heal_releasesHeldMessages() {
    network.hold(3, 1);
    network.send(3, 1, "a");
    network.heal();
    clock.runUntilIdle();
    assertThat(received).containsExactly("3->1:a");
  }

  @Test
  void send_rejectsUnknownMemberNamingIt() {
    assertThatThrownBy(() -> network.send(1, 9, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9");
    assertThatThrownBy(() -> network.isolate(-4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-4");
    assertThatThrownBy(() -> network.cut(2, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2");
  }

  @Test
  void latency_rejectsNegativeDurationNamingIt() {
    assertThatThrownBy(() -> network.latency(Duration.ofMillis(-3), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.003S");
  }

  @Test
  void send_sameSeedGivesSameFate() {
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      SimClock c = new SimClock(VirtualClock.Mode.MANUAL);
      List<String> got = new ArrayList<>();
      SimNetwork n = new SimNetwork(c, new SplittableRandom(7), new Trace(c, 10), message -> true);
      n.attach(1, new Endpoint(1));
      n.attach(2, new SimNetwork.Receiver() {
        @Override
        public boolean isUp() {
          return true;
        }

        @Override
        public void receive(long from, Object message) {
          got.add(c.nanos() + ":" + message);
        }

        @Override
        public void undelivered(long to, Object message) {
        }
      });
      n.lossRate(0.3);
      n.duplicationRate(0.3);
      n.latency(Duration.ZERO, Duration.ofMillis(20));
      for (int i = 0; i < 50; i++) {
        n.send(1, 2, i);
      }
      c.advance(Duration.ofMillis(20));
      runs.add(got);
    }
    assertThat(runs.get(0)).isNotEmpty().isEqualTo(runs.get(1));
  }

  @Test
  void send_toAMemberThatIsDownIsLostAndReportedToTheSender() {
    endpoints.get(1).up = false;
    network.send(1, 2, "a");
    clock.runUntilIdle();
    assertThat(received).isEmpty();
    assertThat(bounced).containsExactly("1->2:a");
  }

  @Test
  void cut_reportsEachLostMessageToItsSender() {
    network.cut(3, 1);
    network.lossRate(3, 2, 1.0);
    network.send(3, 1, "a");
    network.send(3, 2, "b");
    network.send(1, 3, "c");
    clock.runUntilIdle();
    assertThat(bounced).containsExactly("3->1:a", "3->2:b");
    assertThat(received).containsExactly("1->3:c");
  }

  @Test
  void attach_rejectsDuplicateAndZeroIds() {
    assertThatThrownBy(() -> network.attach(2, new Endpoint(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2");
    assertThatThrownBy(() -> network.attach(0, new Endpoint(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }
}
