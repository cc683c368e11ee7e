package dev.fakeetcd.internal.rpctypes;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EtcdErrorTest {
  @Test
  void asException_carriesEtcdsCodeAndExactMessage() {
    StatusRuntimeException e = EtcdError.COMPACTED.asException();

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: mvcc: required revision has been compacted");
  }

  @Test
  void catalogue_hasOneEntryPerMessage() {
    assertThat(Arrays.stream(EtcdError.values()).map(EtcdError::message)).doesNotHaveDuplicates();
  }

  @Test
  void catalogue_mapsKvErrorsToEtcdsCodes() {
    // codes as in etcd 3.4 api/v3rpc/rpctypes/error.go
    assertThat(EtcdError.EMPTY_KEY.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(EtcdError.LEASE_NOT_FOUND.code()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(EtcdError.NO_SPACE.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(EtcdError.NOT_LEADER.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(EtcdError.NO_LEADER.code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(EtcdError.CORRUPT.code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(EtcdError.INVALID_AUTH_TOKEN.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void catalogue_leaksPlainGoErrorsAsUnknown() {
    // etcd 3.4 returns these as plain Go errors, which gRPC reports as Unknown
    assertThat(EtcdError.NOT_ENOUGH_STARTED_MEMBERS.code()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(EtcdError.TOO_MANY_REQUESTS.code()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(EtcdError.ELECTION_MISSING_LEADER.message()).isEqualTo("\"leader\" field must be provided");
  }

  @Test
  void asUnknownException_keepsMessageWithCodeUnknown() {
    StatusRuntimeException e = EtcdError.LEASE_NOT_FOUND.asUnknownException();

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: requested lease not found");
  }

  @Test
  void etcdException_carriesErrorAndConvertsToStatus() {
    EtcdException e = EtcdError.KEY_NOT_FOUND.toException();

    assertThat(e.error()).isEqualTo(EtcdError.KEY_NOT_FOUND);
    assertThat(e).hasMessage("etcdserver: key not found");
    assertThat(e.asStatusException().getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }
}
