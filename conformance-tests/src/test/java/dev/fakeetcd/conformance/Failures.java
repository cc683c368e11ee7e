package dev.fakeetcd.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the gRPC status a call fails with, as etcd's clients see it. */
public final class Failures {

  private Failures() {}

  /** Asserts that the call fails with exactly this gRPC status code and description. */
  public static void assertFails(ThrowingCallable call, Status.Code code, String description) {
    assertThatThrownBy(call).satisfies(failure -> assertStatus(failure, code, description));
  }

  /** Asserts that an already caught failure carries exactly this status code and description. */
  public static void assertStatus(Throwable failure, Status.Code code, String description) {
    assertThat(failure).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).isEqualTo(description);
    });
  }
}
