package dev.fakeetcd.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.Event;
import dev.fakeetcd.api.LeaseGrantRequest;
import dev.fakeetcd.api.LeaseRevokeRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.backend.BackendFile;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alarm and quota links of the apply chain, in front of a recording last link. */
class ApplyChainTest {
  private static final PutRequest PUT = PutRequest.newBuilder()
      .setKey(ByteString.copyFromUtf8("k")).setValue(ByteString.copyFromUtf8("v")).build();
  private static final DeleteRangeRequest DELETE = DeleteRangeRequest.newBuilder()
      .setKey(ByteString.copyFromUtf8("k")).build();
  private static final Applied APPLIED = new Applied(PutResponse.getDefaultInstance(),
      List.of(Event.getDefaultInstance()));

  private static final Applier.Origin ORIGIN = new Applier.Origin(1, AuthInfo.NONE);

  private final List<RaftRequest.Kind> reached = new ArrayList<>();
  private final Applier last = (kind, request, origin) -> {
    reached.add(kind);
    return APPLIED;
  };
  private final AlarmStore alarms = new AlarmStore();

  private void activate(AlarmType type) {
    alarms.apply(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
        .setMemberID(1).setAlarm(type).build());
  }

  private static EtcdError refusal(Applier chain, RaftRequest.Kind kind, MessageLite request) {
    try {
      chain.apply(kind, request, ORIGIN);
    } catch (EtcdException e) {
      return e.error();
    }
    return null;
  }

  private static TxnRequest txnOf(RequestOp op) {
    return TxnRequest.newBuilder().addSuccess(op).build();
  }

  private void deactivate(AlarmType type) {
    alarms.apply(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE)
        .setMemberID(1).setAlarm(type).build());
  }

  @Test
  void alarms_corruptRaisedAfterNospace_refusesEveryWrite() {
    activate(AlarmType.NOSPACE);
    activate(AlarmType.CORRUPT);
    Applier chain = new AlarmApplier(alarms, last);

    assertThat(refusal(chain, RaftRequest.Kind.PUT, PUT)).isEqualTo(EtcdError.CORRUPT);
    assertThat(refusal(chain, RaftRequest.Kind.DELETE_RANGE, DELETE)).isEqualTo(EtcdError.CORRUPT);
    assertThat(refusal(chain, RaftRequest.Kind.LEASE_REVOKE,
        LeaseRevokeRequest.getDefaultInstance())).isEqualTo(EtcdError.CORRUPT);
    assertThat(refusal(chain, RaftRequest.Kind.ALARM, AlarmRequest.getDefaultInstance())).isNull();
    assertThat(reached).containsExactly(RaftRequest.Kind.ALARM);
  }

  @Test
  void alarms_nospaceRefusesOnlyWhatCostsSpace() {
    activate(AlarmType.NOSPACE);
    Applier chain = new AlarmApplier(alarms, last);

    assertThat(refusal(chain, RaftRequest.Kind.PUT, PUT)).isEqualTo(EtcdError.NO_SPACE);
    assertThat(refusal(chain, RaftRequest.Kind.LEASE_GRANT, LeaseGrantRequest.getDefaultInstance()))
        .isEqualTo(EtcdError.NO_SPACE);
    assertThat(refusal(chain, RaftRequest.Kind.TXN,
        txnOf(RequestOp.newBuilder().setRequestPut(PUT).build()))).isEqualTo(EtcdError.NO_SPACE);
    assertThat(refusal(chain, RaftRequest.Kind.TXN,
        txnOf(RequestOp.newBuilder().setRequestDeleteRange(DELETE).build()))).isNull();
    assertThat(refusal(chain, RaftRequest.Kind.DELETE_RANGE, DELETE)).isNull();
    assertThat(reached).containsExactly(RaftRequest.Kind.TXN, RaftRequest.Kind.DELETE_RANGE);
  }

  @Test
  void alarms_nospaceRaisedAfterCorrupt_replacesIt() {
    activate(AlarmType.CORRUPT);
    activate(AlarmType.NOSPACE);
    Applier chain = new AlarmApplier(alarms, last);

    assertThat(refusal(chain, RaftRequest.Kind.PUT, PUT)).isEqualTo(EtcdError.NO_SPACE);
    assertThat(refusal(chain, RaftRequest.Kind.DELETE_RANGE, DELETE)).isNull();
    assertThat(reached).containsExactly(RaftRequest.Kind.DELETE_RANGE);
  }

  @Test
  void alarms_lastOfOneTypeCleared_liftsBoth() {
    activate(AlarmType.NOSPACE);
    activate(AlarmType.CORRUPT);
    deactivate(AlarmType.NOSPACE);
    Applier chain = new AlarmApplier(alarms, last);

    assertThat(refusal(chain, RaftRequest.Kind.PUT, PUT)).isNull();
    assertThat(alarms.active(AlarmType.CORRUPT)).isTrue();
  }

  @Test
  void alarms_restored_corruptWinsWhateverTheOrder() {
    activate(AlarmType.CORRUPT);
    activate(AlarmType.NOSPACE);
    alarms.restoreEnforced();
    Applier chain = new AlarmApplier(alarms, last);

    assertThat(refusal(chain, RaftRequest.Kind.DELETE_RANGE, DELETE)).isEqualTo(EtcdError.CORRUPT);
  }

  @Test
  void quota_overQuotaIsAppliedButAnswersNospace() {
    BackendQuota quota = new BackendQuota();
    quota.set(1);
    Applier chain = new QuotaApplier(new BackendFile(quota), last);

    Applied put = chain.apply(RaftRequest.Kind.PUT, PUT, ORIGIN);
    Applied delete = chain.apply(RaftRequest.Kind.DELETE_RANGE, DELETE, ORIGIN);

    assertThat(reached).containsExactly(RaftRequest.Kind.PUT, RaftRequest.Kind.DELETE_RANGE);
    assertThat(put.outcome()).isInstanceOfSatisfying(EtcdException.class,
        e -> assertThat(e.error()).isEqualTo(EtcdError.NO_SPACE));
    assertThat(put.events()).isEqualTo(APPLIED.events());
    assertThat(delete).isSameAs(APPLIED);
  }

  @Test
  void quota_aFailureOfTheRequestItselfWins() {
    BackendQuota quota = new BackendQuota();
    quota.set(1);
    Applier chain = new QuotaApplier(new BackendFile(quota), (kind, request, origin) -> {
      throw EtcdError.LEASE_NOT_FOUND.toException();
    });

    assertThat(refusal(chain, RaftRequest.Kind.PUT, PUT)).isEqualTo(EtcdError.LEASE_NOT_FOUND);
  }
}
