package dev.fakeetcd.internal.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.WatchRequest;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  @Test
  void invoke_pastTheBound_stopsRecordingAndMarksTheLogTruncated() {
    HistoryRecorder recorder = new HistoryRecorder(5, () -> 0, 2, 10);

    for (int i = 0; i < 3; i++) {
      recorder.invoke(1, "etcdserverpb.KV/Put", PutRequest.getDefaultInstance());
    }

    HistoryLog log = recorder.snapshot();
    assertThat(log.operations()).hasSize(2);
    assertThat(log.truncated()).isTrue();
  }

  @Test
  void streamMessages_pastTheBound_stopRecordingAndMarkTheLogTruncated() {
    HistoryRecorder recorder = new HistoryRecorder(5, () -> 0, 10, 2);
    HistoryRecorder.Stream stream = recorder.openStream(1);

    stream.received(WatchRequest.getDefaultInstance());
    stream.received(WatchRequest.getDefaultInstance());

    HistoryLog log = recorder.snapshot();
    assertThat(log.watches().get(0).messages()).hasSize(1);
    assertThat(log.truncated()).isTrue();
  }

  @Test
  void checks_onATruncatedLog_refuseNamingTheBoundAndHowToTurnRecordingOff() {
    HistoryRecorder recorder = new HistoryRecorder(5, () -> 0, 0, 10);
    recorder.invoke(1, "etcdserverpb.KV/Put", PutRequest.getDefaultInstance());
    HistoryLog log = recorder.snapshot();

    assertThat(WatchChecker.check(log)).hasValueSatisfying(v -> assertThat(v)
        .contains("seed 5").contains("100000 calls").contains("history(false)")
        .contains("@EtcdTest(history = false)"));
    assertThat(SerializableReadChecker.check(log)).isEqualTo(WatchChecker.check(log));
  }

  @Test
  void call_answeredTwice_keepsTheFirstAnswer() {
    HistoryRecorder recorder = new HistoryRecorder(5, () -> 7, 10, 10);
    HistoryRecorder.Call call =
        recorder.invoke(1, "etcdserverpb.KV/Put", PutRequest.getDefaultInstance());

    call.fail(io.grpc.Status.UNAVAILABLE);
    call.complete(PutRequest.getDefaultInstance());

    Operation op = recorder.snapshot().operations().get(0);
    assertThat(op.outcome()).isEqualTo(Operation.Outcome.ERROR);
    assertThat(op.completeNanos()).isEqualTo(7);
  }
}
