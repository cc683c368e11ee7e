package dev.fakeetcd.internal.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SerializableReadCheckerTest {

  @Test
  void check_readsMovingForward_findsNothing() {
    HistoryLog log = new Histories().put("a", "x", 2).read("a", 2, "x", 2).put("a", "y", 3)
        .read("a", 3, "y", 3).log();

    assertThat(SerializableReadChecker.check(log)).isEmpty();
  }

  @Test
  void check_laterReadAtALowerRevision_namesBothReads() {
    HistoryLog log = new Histories().read("a", 5, null, 0).read("a", 4, null, 0).log();

    assertThat(SerializableReadChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("seed 77").contains("KV/Range #1").contains("read at revision 4")
        .contains("revision 5 that KV/Range #0"));
  }

  @Test
  void check_readReturningAValueAKnownWriteReplaced_namesTheWrite() {
    HistoryLog log = new Histories().put("a", "x", 2).put("a", "y", 3).read("a", 3, "x", 2)
        .log();

    assertThat(SerializableReadChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("KV/Range #2").contains("at revision 3 returned \"a\" with mod revision 2")
        .contains("KV/Put #1").contains("at revision 3"));
  }

  @Test
  void check_readOfAnEarlierRevision_isJudgedAtTheRevisionItAskedFor() {
    HistoryLog log = new Histories().put("a", "x", 2).put("a", "y", 3).read("a", 2, 3, "x", 2)
        .log();

    assertThat(SerializableReadChecker.check(log)).isEmpty();
  }

  @Test
  void check_readReturningAValueNoWriteWrote_namesTheWrite() {
    HistoryLog log = new Histories().put("a", "x", 2).read("a", 2, "z", 2).log();

    assertThat(SerializableReadChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("value \"z\"").contains("KV/Put #0").contains("wrote \"x\""));
  }
}
