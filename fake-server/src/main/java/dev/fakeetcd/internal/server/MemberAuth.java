package dev.fakeetcd.internal.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.AuthenticateResponse;
import dev.fakeetcd.api.InternalAuthenticateRequest;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.apply.RaftRequest;
import dev.fakeetcd.internal.auth.AuthInfo;
import dev.fakeetcd.internal.auth.AuthStore;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.auth.Passwords;
import dev.fakeetcd.internal.auth.TokenProvider;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The auth side of one member's etcd server (etcd 3.4's {@code AuthInfoFromCtx}, {@code
 * Authenticate} and the Auth RPCs of {@code etcdserver/v3_server.go}): who a token names, the
 * password check before an Authenticate is proposed, and password hashing before a user's
 * password goes into the log. Outlives crashes of its member; called only under the cluster lock,
 * except {@link #withHashedPassword}, and bcrypt never runs under it.
 */
public final class MemberAuth {

  /** etcd retries an Authenticate whose password check an auth change overtook; we stop here. */
  private static final int AUTHENTICATE_ATTEMPTS = 10;

  private static final ByteString ZERO = ByteString.copyFrom(new byte[1]);

  private final MemberServer member;
  private final Cluster cluster;
  /** Token prefixes and bcrypt salts: from the seed, so that a run repeats. */
  private final SplittableRandom random;
  /** Token look-ups waiting for this member to apply the entry that made their token. */
  private final TreeMap<Long, List<Runnable>> waitingForIndex = new TreeMap<>();

  MemberAuth(MemberServer member, Cluster cluster) {
    this.member = member;
    this.cluster = cluster;
    this.random = new SplittableRandom(cluster.seed() ^ member.id() ^ 0x6175746854L);
  }

  /** A new token provider for this member's state machine (etcd keeps tokens in memory). */
  TokenProvider newTokens() {
    return TokenProvider.of(cluster.authToken(), cluster.authTokenTtl(), cluster.virtualTime());
  }

  private AuthStore store() {
    return member.local(EtcdStateMachine::auth);
  }

  /**
   * Who {@code caller} runs as (etcd 3.4's {@code AuthInfoFromCtx}): the user its token names, or
   * INVALID_AUTH_TOKEN; without a token, under {@code --client-cert-auth}, its certificate's
   * common name at the current auth revision ({@code AuthInfoFromTLS}); else {@link
   * AuthInfo#NONE}. As etcd's simple-token check, a token made by an entry this member has not
   * applied yet waits for it, for as long as the client waits (etcd sets no bound of its own).
   */
  public CompletableFuture<AuthInfo> who(Credentials caller) {
    if (!knowsNow(caller)) {
      long index = simpleTokenIndex(caller.token());
      CompletableFuture<AuthInfo> later = new CompletableFuture<>();
      waitingForIndex.computeIfAbsent(index, i -> new ArrayList<>()).add(() -> {
        try {
          later.complete(lookUp(caller));
        } catch (RuntimeException e) {
          later.completeExceptionally(e);
        }
      });
      return later;
    }
    try {
      return CompletableFuture.completedFuture(lookUp(caller));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether {@link #who} would answer at once: no token, or one this member could know. */
  boolean knowsNow(Credentials caller) {
    return caller.token() == null
        || simpleTokenIndex(caller.token()) <= member.member().appliedIndex();
  }

  /** Who {@code caller} runs as on {@code sm} now, without waiting; else INVALID_AUTH_TOKEN. */
  AuthInfo whoNow(EtcdStateMachine sm, Credentials caller) {
    AuthStore auth = sm.auth();
    if (caller.token() != null) {
      return auth.tokens().info(caller.token(), auth.revision())
          .orElseThrow(EtcdError.INVALID_AUTH_TOKEN::toException);
    }
    if (caller.commonName() != null && cluster.clientCertAuth()) {
      return new AuthInfo(caller.commonName(), auth.revision());
    }
    return AuthInfo.NONE;
  }

  private AuthInfo lookUp(Credentials caller) {
    return whoNow(member.local(sm -> sm), caller);
  }

  /** The index a simple token names ({@code prefix.index}); 0 for any other token. */
  private static long simpleTokenIndex(String token) {
    int dot = token.lastIndexOf('.');
    if (dot < 0 || token.indexOf('.') != dot) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(token.substring(dot + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * This member applied up to {@code index}: look-ups waiting for it go on, in an event of their
   * own (they propose, which never happens inside Raft processing).
   */
  void applied(long index) {
    while (!waitingForIndex.isEmpty() && waitingForIndex.firstKey() <= index) {
      List<Runnable> ready = waitingForIndex.pollFirstEntry().getValue();
      cluster.clock().schedule(Duration.ZERO, () -> ready.forEach(Runnable::run));
    }
  }

  /** The member stopped: its in-memory tokens are gone, and look-ups fail as the call would. */
  void stopped() {
    waitingForIndex.clear();
  }

  /**
   * etcd 3.4's {@code isWatchPermitted}, at a watch's create: READ on its range for the stream's
   * token. Returns null if permitted, else the error, which etcd sends as the cancel reason.
   * etcd turns a range end of {@code \0} into an empty one before it checks, so such a watch
   * needs READ on its key alone.
   */
  public EtcdError watchRefusal(Credentials caller, ByteString key, ByteString rangeEnd) {
    EtcdStateMachine sm = member.local(m -> m);
    ByteString end = rangeEnd.equals(ZERO) ? ByteString.EMPTY : rangeEnd;
    try {
      sm.auth().checkRange(whoNow(sm, caller), key, end);
      return null;
    } catch (EtcdException e) {
      return e.error();
    }
  }

  /** etcd's {@code IsAdminPermitted} for the token's user. */
  public CompletableFuture<Void> checkAdmin(Credentials caller) {
    return who(caller).thenAccept(who -> store().checkAdmin(who));
  }

  /**
   * Runs {@code action} once the token's user is found to be an admin (membership changes). When
   * the token is known at once, the action's own future is returned, so that a client's cancel
   * reaches the change it started.
   */
  <T> CompletableFuture<T> asAdmin(Credentials caller, Supplier<CompletableFuture<T>> action) {
    CompletableFuture<Void> check = checkAdmin(caller);
    if (check.isDone() && !check.isCompletedExceptionally()) {
      return action.get();
    }
    return check.thenCompose(ok -> action.get());
  }

  /**
   * As {@link #checkAdmin}, with the errors Maintenance's Defragment, Snapshot, Hash and HashKV
   * answer: etcd 3.4 returns the auth store's own errors there, unconverted (code Unknown).
   */
  public CompletableFuture<Void> checkAdminUnconverted(Credentials caller) {
    return checkAdmin(caller).exceptionally(failure -> {
      throw EtcdException.cause(failure) instanceof EtcdException e ? unconverted(e)
          : EtcdException.completion(failure);
    });
  }

  private static EtcdException unconverted(EtcdException e) {
    return switch (e.error()) {
      case USER_EMPTY -> EtcdError.AUTH_RAW_USER_EMPTY.toException();
      case USER_NOT_FOUND -> EtcdError.AUTH_RAW_USER_NOT_FOUND.toException();
      case PERMISSION_DENIED -> EtcdError.AUTH_RAW_PERMISSION_DENIED.toException();
      case INVALID_AUTH_TOKEN -> EtcdError.AUTH_RAW_INVALID_TOKEN.toException();
      default -> e;
    };
  }

  /** Internal requests the server makes for itself (a lease's expiry) run as root, as etcd's. */
  AuthInfo root() {
    return new AuthInfo("root", store().revision());
  }

  // ---- the Auth RPCs ----

  /**
   * {@code request} as it goes into the log: a UserAdd's or UserChangePassword's password replaced
   * by its bcrypt hash, as etcd 3.5 does before it proposes; any other request as it is. Slow:
   * call off the cluster lock (only the salt is drawn under it).
   */
  public MessageLite withHashedPassword(RaftRequest.Kind kind, MessageLite request) {
    return switch (kind) {
      case AUTH_USER_ADD -> hashed((AuthUserAddRequest) request);
      case AUTH_USER_CHANGE_PASSWORD -> {
        AuthUserChangePasswordRequest r = (AuthUserChangePasswordRequest) request;
        yield r.getHashedPassword().isEmpty() ? r.toBuilder().setPassword("")
            .setHashedPassword(hash(r.getPassword())).build() : r;
      }
      default -> request;
    };
  }

  private AuthUserAddRequest hashed(AuthUserAddRequest r) {
    if (r.getOptions().getNoPassword() || !r.getHashedPassword().isEmpty()) {
      return r.toBuilder().setPassword("").build();
    }
    return r.toBuilder().setPassword("").setHashedPassword(hash(r.getPassword())).build();
  }

  private String hash(String password) {
    byte[] salt = cluster.query(() -> { // the seeded random is the simulation's
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      return bytes;
    });
    return Passwords.hash(password, Passwords.effectiveCost(cluster.bcryptCost()), salt);
  }

  /**
   * etcd's Authenticate: a linearizable read, the password check against what it read, then an
   * entry that makes the token on every member; again if an auth change came in between.
   */
  public CompletableFuture<AuthenticateResponse> authenticate(AuthenticateRequest request,
      Credentials caller) {
    return authenticate(request, caller, AUTHENTICATE_ATTEMPTS);
  }

  private CompletableFuture<AuthenticateResponse> authenticate(AuthenticateRequest request,
      Credentials caller, int attempts) {
    return member.reads().linearizable(sm -> sm.auth().passwordCheck(request.getName()))
        .thenCompose(read -> cluster.callLock().outside(() -> {
          if (!Passwords.matches(request.getPassword(), read.hash())) {
            throw EtcdError.AUTH_FAILED.toException();
          }
          return read.revision();
        }, checked -> makeToken(request, caller, checked, attempts)));
  }

  /** The entry that makes the token, for a password checked at auth revision {@code checked}. */
  private CompletableFuture<AuthenticateResponse> makeToken(AuthenticateRequest request,
      Credentials caller, long checked, int attempts) {
    InternalAuthenticateRequest entry = InternalAuthenticateRequest.newBuilder()
        .setName(request.getName()).setSimpleToken(store().tokens().newPrefix(random)).build();
    return who(caller).thenCompose(
        who -> member.proposals().propose(RaftRequest.Kind.AUTHENTICATE, entry, who))
        .thenCompose(response -> checked == store().revision() || attempts <= 1
            ? CompletableFuture.completedFuture((AuthenticateResponse) response)
            : authenticate(request, caller, attempts - 1));
  }
}
