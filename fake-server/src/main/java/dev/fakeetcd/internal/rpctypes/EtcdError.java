package dev.fakeetcd.internal.rpctypes;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The one catalogue of errors etcd 3.4 returns to clients: gRPC status code and exact message.
 * Clients such as jetcd match on these strings, so they must stay byte-identical to etcd's.
 */
public enum EtcdError {
  // InvalidArgument
  EMPTY_KEY(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided"),
  KEY_NOT_FOUND(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found"),
  VALUE_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided"),
  LEASE_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided"),
  TOO_MANY_OPS(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
  DUPLICATE_KEY(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
  REQUEST_TOO_LARGE(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large"),
  USER_EMPTY(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty"),
  ROLE_EMPTY(Status.Code.INVALID_ARGUMENT, "etcdserver: role name is empty"),
  AUTH_FAILED(Status.Code.INVALID_ARGUMENT,
      "etcdserver: authentication failed, invalid user ID or password"),
  INVALID_AUTH_MGMT(Status.Code.INVALID_ARGUMENT, "etcdserver: invalid auth management"),
  AUTH_OLD_REVISION(Status.Code.INVALID_ARGUMENT, "etcdserver: revision of auth store is old"),
  /** etcd 3.5's answer to a grant without a permission, which crashes etcd 3.4.23. */
  PERMISSION_NOT_GIVEN(Status.Code.INVALID_ARGUMENT, "etcdserver: permission not given"),
  MEMBER_BAD_URLS(Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid"),

  // etcd 3.5's Downgrade, which 3.4 does not serve (docs/divergences.md).
  WRONG_DOWNGRADE_VERSION_FORMAT(Status.Code.INVALID_ARGUMENT,
      "etcdserver: wrong downgrade target version format"),
  INVALID_DOWNGRADE_TARGET_VERSION(Status.Code.INVALID_ARGUMENT,
      "etcdserver: invalid downgrade target version"),
  DOWNGRADE_IN_PROCESS(Status.Code.FAILED_PRECONDITION,
      "etcdserver: cluster has a downgrade job in progress"),
  NO_INFLIGHT_DOWNGRADE(Status.Code.FAILED_PRECONDITION, "etcdserver: no inflight downgrade job"),
  /** An action 3.5's Downgrade does not know; a plain Go error. */
  UNKNOWN_METHOD(Status.Code.UNKNOWN, "etcdserver: unknown method"),

  // OutOfRange
  COMPACTED(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
  FUTURE_REV(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
  LEASE_TTL_TOO_LARGE(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL"),

  // NotFound
  LEASE_NOT_FOUND(Status.Code.NOT_FOUND, "etcdserver: requested lease not found"),
  MEMBER_NOT_FOUND(Status.Code.NOT_FOUND, "etcdserver: member not found"),

  // FailedPrecondition
  LEASE_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists"),
  MEMBER_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: member ID already exist"),
  PEER_URL_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: Peer URLs already exists"),
  MEMBER_NOT_LEARNER(Status.Code.FAILED_PRECONDITION, "etcdserver: can only promote a learner member"),
  LEARNER_NOT_READY(Status.Code.FAILED_PRECONDITION,
      "etcdserver: can only promote a learner member which is in sync with leader"),
  TOO_MANY_LEARNERS(Status.Code.FAILED_PRECONDITION, "etcdserver: too many learner members in cluster"),
  ROOT_USER_NOT_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not exist"),
  ROOT_ROLE_NOT_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not have root role"),
  USER_ALREADY_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: user name already exists"),
  USER_NOT_FOUND(Status.Code.FAILED_PRECONDITION, "etcdserver: user name not found"),
  ROLE_ALREADY_EXIST(Status.Code.FAILED_PRECONDITION, "etcdserver: role name already exists"),
  ROLE_NOT_FOUND(Status.Code.FAILED_PRECONDITION, "etcdserver: role name not found"),
  ROLE_NOT_GRANTED(Status.Code.FAILED_PRECONDITION, "etcdserver: role is not granted to the user"),
  PERMISSION_NOT_GRANTED(Status.Code.FAILED_PRECONDITION,
      "etcdserver: permission is not granted to the role"),
  AUTH_NOT_ENABLED(Status.Code.FAILED_PRECONDITION, "etcdserver: authentication is not enabled"),
  NOT_LEADER(Status.Code.FAILED_PRECONDITION, "etcdserver: not leader"),
  BAD_LEADER_TRANSFEREE(Status.Code.FAILED_PRECONDITION, "etcdserver: bad leader transferee"),

  // ResourceExhausted, PermissionDenied, Unauthenticated
  NO_SPACE(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded"),
  PERMISSION_DENIED(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied"),
  INVALID_AUTH_TOKEN(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token"),

  // Unavailable
  NO_LEADER(Status.Code.UNAVAILABLE, "etcdserver: no leader"),
  LEADER_CHANGED(Status.Code.UNAVAILABLE, "etcdserver: leader changed"),
  NOT_CAPABLE(Status.Code.UNAVAILABLE, "etcdserver: not capable"),
  STOPPED(Status.Code.UNAVAILABLE, "etcdserver: server stopped"),
  TIMEOUT(Status.Code.UNAVAILABLE, "etcdserver: request timed out"),
  TIMEOUT_DUE_TO_LEADER_FAIL(Status.Code.UNAVAILABLE,
      "etcdserver: request timed out, possibly due to previous leader failure"),
  TIMEOUT_DUE_TO_CONNECTION_LOST(Status.Code.UNAVAILABLE,
      "etcdserver: request timed out, possibly due to connection lost"),
  TIMEOUT_WAIT_APPLIED_INDEX(Status.Code.UNAVAILABLE,
      "etcdserver: request timed out, waiting for the applied index took too long"),
  UNHEALTHY(Status.Code.UNAVAILABLE, "etcdserver: unhealthy cluster"),
  NOT_SUPPORTED_FOR_LEARNER(Status.Code.UNAVAILABLE, "etcdserver: rpc not supported for learner"),

  // DataLoss, Canceled
  CORRUPT(Status.Code.DATA_LOSS, "etcdserver: corrupt cluster"),
  WATCH_CANCELED(Status.Code.CANCELLED, "etcdserver: watch canceled"),

  // Plain Go errors that gRPC reports as Unknown with their raw text
  // (etcd 3.4 returns them unconverted, outside api/v3rpc/rpctypes/error.go).
  NOT_ENOUGH_STARTED_MEMBERS(Status.Code.UNKNOWN,
      "etcdserver: re-configuration failed due to not enough started members"),
  TOO_MANY_REQUESTS(Status.Code.UNKNOWN, "etcdserver: too many requests"),
  REQUEST_CANCELLED(Status.Code.UNKNOWN, "etcdserver: request cancelled"),
  LEADER_TRANSFER_TIMEOUT(Status.Code.UNKNOWN,
      "etcdserver: request timed out, leader transfer took too long"),
  AUTH_NO_PASSWORD_USER(Status.Code.UNKNOWN,
      "auth: authentication failed, password was given for no password user"),
  AUTH_RAW_USER_EMPTY(Status.Code.UNKNOWN, "auth: user name is empty"),
  AUTH_RAW_PERMISSION_DENIED(Status.Code.UNKNOWN, "auth: permission denied"),
  AUTH_RAW_INVALID_TOKEN(Status.Code.UNKNOWN, "auth: invalid auth token"),
  AUTH_RAW_USER_NOT_FOUND(Status.Code.UNKNOWN, "auth: user not found"),
  ELECTION_NOT_LEADER(Status.Code.UNKNOWN, "election: not leader"),
  ELECTION_NO_LEADER(Status.Code.UNKNOWN, "election: no leader"),
  ELECTION_MISSING_LEADER(Status.Code.UNKNOWN, "\"leader\" field must be provided"),
  // Raft's own errors, which etcd hands to gRPC unmapped.
  PROPOSAL_DROPPED(Status.Code.UNKNOWN, "raft proposal dropped"),
  /**
   * A proposal still waiting for a leader when the request timeout ends: Go's context error, which
   * etcd 3.4's gRPC (1.26) reports as Unknown.
   */
  CONTEXT_DEADLINE_EXCEEDED(Status.Code.UNKNOWN, "context deadline exceeded");

  private final Status.Code code;
  private final String message;

  EtcdError(Status.Code code, String message) {
    this.code = code;
    this.message = message;
  }

  public Status.Code code() {
    return code;
  }

  public String message() {
    return message;
  }

  public Status status() {
    return Status.fromCode(code).withDescription(message);
  }

  public StatusRuntimeException asException() {
    return status().asRuntimeException();
  }

  /**
   * The form this error takes when it passes through a service that wraps the KV API as a plain
   * Go error (Lock, Election): code Unknown with the same text.
   */
  public StatusRuntimeException asUnknownException() {
    return Status.UNKNOWN.withDescription(message).asRuntimeException();
  }

  /**
   * This error as grpc-go prints a status error ({@code rpc error: code = PermissionDenied desc =
   * etcdserver: permission denied}), the text etcd puts in a watch's cancel reason.
   */
  public String goText() {
    return "rpc error: code = " + goCodeName(code) + " desc = " + message;
  }

  /** grpc-go's name of a code: CamelCase, but "OK", and "Canceled" with one l. */
  public static String goCodeName(Status.Code code) {
    return GO_CODE_NAMES[code.ordinal()];
  }

  private static final String[] GO_CODE_NAMES = goCodeNames();

  private static String[] goCodeNames() {
    Status.Code[] codes = Status.Code.values();
    String[] names = new String[codes.length];
    for (Status.Code code : codes) {
      StringBuilder name = new StringBuilder();
      for (String word : code.name().split("_")) {
        name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
      }
      names[code.ordinal()] = name.toString();
    }
    names[Status.Code.OK.ordinal()] = "OK";
    names[Status.Code.CANCELLED.ordinal()] = "Canceled";
    return names;
  }

  /** An unchecked exception carrying this error, for code paths below the gRPC layer. */
  public EtcdException toException() {
    return new EtcdException(this);
  }
}
