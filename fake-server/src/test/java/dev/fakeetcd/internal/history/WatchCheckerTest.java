package dev.fakeetcd.internal.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WatchCheckerTest {

  @Test
  void check_orderedCompleteDelivery_findsNothing() {
    HistoryLog log = new Histories().create("a", 0).created(0, 1).put("a", "x", 2)
        .events(0, "a@2").put("a", "y", 3).events(0, "a@3").log();

    assertThat(WatchChecker.check(log)).isEmpty();
  }

  @Test
  void check_eventDeliveredTwice_namesTheEventAndTheSeed() {
    HistoryLog log = new Histories().create("a", 0).created(0, 1).put("a", "x", 2)
        .events(0, "a@2").events(0, "a@2").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("seed 77").contains("watch 0").contains("PUT of \"a\" at revision 2")
        .contains("twice"));
  }

  @Test
  void check_writeMissingBeforeALaterEvent_isAGapNamingTheWrite() {
    HistoryLog log = new Histories().create("a", 0).created(0, 1).put("a", "x", 2)
        .put("a", "y", 3).events(0, "a@3").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("missed the PUT of \"a\" at revision 2").contains("KV/Put #0")
        .contains("a gap"));
  }

  @Test
  void check_writeMissingBeforeAProgressNotification_isAGap() {
    HistoryLog log = new Histories().create("a", 0).created(0, 1).put("a", "x", 2)
        .progress(0, 2).log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("missed the PUT of \"a\" at revision 2"));
  }

  @Test
  void check_writeAfterTheLastReportedRevision_isNoGapYet() {
    HistoryLog log = new Histories().create("a", 0).created(0, 1).put("a", "x", 2)
        .events(0, "a@2").put("a", "y", 3).log();

    assertThat(WatchChecker.check(log)).isEmpty();
  }

  @Test
  void check_eventsOutOfOrder_namesBothRevisions() {
    HistoryLog log = new Histories().create("a*", 0).created(0, 1).events(0, "a1@3")
        .events(0, "a2@2").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("PUT of \"a2\" at revision 2").contains("after revision 3")
        .contains("out of order"));
  }

  @Test
  void check_revisionSplitAcrossResponses_isNotAtomic() {
    HistoryLog log = new Histories().create("a*", 0).created(0, 1).events(0, "a1@2")
        .events(0, "a2@2").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("split revision 2").contains("not atomic"));
  }

  @Test
  void check_revisionSplitAcrossFragments_isAtomic() {
    HistoryLog log = new Histories().create("a*", 0).created(0, 1).fragment(0, "a1@2")
        .events(0, "a2@2").log();

    assertThat(WatchChecker.check(log)).isEmpty();
  }

  @Test
  void check_eventBeforeTheStartRevision_isNamed() {
    HistoryLog log = new Histories().create("a", 3).created(0, 4).events(0, "a@2").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("start revision 3").contains("before its start revision"));
  }

  @Test
  void check_resumedWatchMissingAnOldWrite_isAGap() {
    HistoryLog log = new Histories().put("a", "x", 2).put("a", "y", 3).create("a", 2)
        .created(0, 3).events(0, "a@3").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("missed the PUT of \"a\" at revision 2"));
  }

  @Test
  void check_watchCancelledByCompaction_isNoGap() {
    HistoryLog log = new Histories().put("a", "x", 2).put("a", "y", 3).create("a", 2)
        .created(0, 3).events(0, "a@3").compacted(0, 2).log();

    assertThat(WatchChecker.check(log)).isEmpty();
  }

  @Test
  void check_watchFromTheCompactRevisionMissingTheDeleteAtIt_isNoGap() {
    HistoryLog log = new Histories().put("k0", "x", 2).delete("k0", 3).compact(3)
        .create("k*", 3).created(0, 3).put("k1", "y", 4).events(0, "k1@4").log();

    assertThat(WatchChecker.check(log)).isEmpty();
  }

  @Test
  void check_watchFromARevisionMissingTheDeleteAtItWithoutCompaction_isAGap() {
    HistoryLog log = new Histories().put("k0", "x", 2).delete("k0", 3)
        .create("k*", 3).created(0, 3).put("k1", "y", 4).events(0, "k1@4").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("missed the DELETE of \"k0\" at revision 3").contains("a gap"));
  }

  @Test
  void check_watchFromTheCompactRevisionMissingThePutAtIt_isAGap() {
    HistoryLog log = new Histories().put("k0", "x", 2).put("k0", "y", 3).compact(3)
        .create("k*", 3).created(0, 3).put("k1", "z", 4).events(0, "k1@4").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("missed the PUT of \"k0\" at revision 3"));
  }

  @Test
  void check_deleteMissedBeforeACompactionAtItsRevision_isAGap() {
    HistoryLog log = new Histories().create("k*", 0).created(0, 1).put("k0", "x", 2)
        .events(0, "k0@2").delete("k0", 3).put("k1", "y", 4).events(0, "k1@4").compact(3)
        .log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("missed the DELETE of \"k0\" at revision 3"));
  }

  @Test
  void check_otherWatchSawAnEventThisOneMissed_isAGapNamingTheOtherWatch() {
    HistoryLog log = new Histories().create("a", 0).created(0, 1).create("a", 0).created(1, 1)
        .events(0, "a@2").events(0, "a@3").events(1, "a@3").log();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("watch 1").contains("missed the PUT of \"a\" at revision 2")
        .contains("watch 0 of stream 0"));
  }
}
