package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.follower;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.AuthUserAddResponse;
import dev.fakeetcd.api.AuthUserChangePasswordRequest;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.AuthenticateResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.internal.auth.Passwords;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * bcrypt, slow by design, runs off the cluster lock: Authenticate checks the password between its
 * read and its proposal, UserAdd and UserChangePassword hash before the call enters the cluster;
 * time does not jump meanwhile, and a run still repeats.
 */
class AuthPasswordsOffLockTest {

  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  /** A few hundred milliseconds of bcrypt: long enough to see the thread in it. */
  private static final int SLOW_COST = 12;

  private final Clusters clusters = new Clusters();

  @AfterEach
  void closeAll() {
    clusters.close();
  }

  private EtcdCluster start(int members, int bcryptCost, VirtualClock.Mode mode) {
    return clusters.start(ClusterConfig.builder().members(members).seed(7).bcryptCost(bcryptCost)
        .clockMode(mode).auth(AuthSetup.withRootPassword("rootpw")
            .role("app").user("alice", "alicepw", "app")).build());
  }

  private static AuthenticateRequest login(String user, String password) {
    return AuthenticateRequest.newBuilder().setName(user).setPassword(password).build();
  }

  private Channel as(EtcdCluster cluster, Member member, String token) {
    Metadata headers = new Metadata();
    headers.put(TOKEN, token);
    return ClientInterceptors.intercept(clusters.channel(cluster, member),
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void authenticate_checkingThePassword_holdsNoClusterLock() throws Exception {
    EtcdCluster cluster = start(1, SLOW_COST, VirtualClock.Mode.MANUAL);
    Member member = cluster.leader().orElseThrow();

    var alice = AuthGrpc.newBlockingStub(clusters.channel(cluster, member));
    // In-process, the call runs on the thread that makes it: another one.
    CompletableFuture<AuthenticateResponse> login =
        CompletableFuture.supplyAsync(() -> alice.authenticate(login("alice", "alicepw")));

    assertThat(seenInWhileHolding(cluster.lock(), "matches", login)).isTrue();
    assertThat(login.get(30, TimeUnit.SECONDS).getToken()).isNotEmpty();
  }

  @Test
  void userAdd_hashingThePassword_holdsNoClusterLock() throws Exception {
    EtcdCluster cluster = start(1, SLOW_COST, VirtualClock.Mode.MANUAL);
    Member member = cluster.leader().orElseThrow();
    var root = AuthGrpc.newBlockingStub(as(cluster, member, AuthGrpc.newBlockingStub(
        clusters.channel(cluster, member)).authenticate(login("root", "rootpw")).getToken()));

    CompletableFuture<AuthUserAddResponse> added = CompletableFuture.supplyAsync(() -> root
        .userAdd(AuthUserAddRequest.newBuilder().setName("bob").setPassword("bobpw").build()));

    assertThat(seenInWhileHolding(cluster.lock(), "hash", added)).isTrue();
    assertThat(added.get(30, TimeUnit.SECONDS).hasHeader()).isTrue();
  }

  @Test
  void authenticate_wrongPasswordInAutoAdvance_leavesTimeFreeToJump() {
    EtcdCluster cluster = start(3, 4, VirtualClock.Mode.AUTO_ADVANCE);
    Member cutOff = follower(cluster);
    var blocking = AuthGrpc.newBlockingStub(clusters.channel(cluster, cutOff));
    assertFails(EtcdError.AUTH_FAILED, () -> blocking.authenticate(login("alice", "wrong")));
    String token = blocking.authenticate(login("root", "rootpw")).getToken();
    var kv = KVGrpc.newBlockingStub(as(cluster, cutOff, token));
    cluster.network().isolate(cutOff);

    // Only a jump of virtual time ends this put: its request timeout.
    assertThat(CompletableFuture.supplyAsync(() -> kv.put(put("k", "v"))))
        .failsWithin(10, TimeUnit.SECONDS).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
            e.getStatus().getDescription()).startsWith("etcdserver: request timed out"));
  }

  @Test
  void authCalls_sameSeedAndCalls_sameTrace() {
    assertThat(authRun(VirtualClock.Mode.AUTO_ADVANCE))
        .isEqualTo(authRun(VirtualClock.Mode.AUTO_ADVANCE));
    assertThat(authRun(VirtualClock.Mode.MANUAL)).isEqualTo(authRun(VirtualClock.Mode.MANUAL));
  }

  /** Logins, a wrong password, a new user and a password change on a follower; the trace. */
  private String authRun(VirtualClock.Mode mode) {
    EtcdCluster cluster = start(3, 4, mode);
    Member member = follower(cluster);
    var anyone = AuthGrpc.newBlockingStub(clusters.channel(cluster, member));
    var root = AuthGrpc.newBlockingStub(
        as(cluster, member, anyone.authenticate(login("root", "rootpw")).getToken()));
    assertFails(EtcdError.AUTH_FAILED, () -> anyone.authenticate(login("alice", "wrong")));
    root.userAdd(AuthUserAddRequest.newBuilder().setName("bob").setPassword("bobpw").build());
    String first = anyone.authenticate(login("bob", "bobpw")).getToken();
    root.userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("bob")
        .setPassword("newpw").build());
    String second = anyone.authenticate(login("bob", "newpw")).getToken();
    return first + " " + second + "\n" + cluster.trace();
  }

  /**
   * Whether a thread was seen in {@code Passwords.<method>} while this one held {@code lock},
   * sampled until {@code call} ends: a bcrypt under the lock is never seen so.
   */
  private static boolean seenInWhileHolding(Object lock, String method, Future<?> call)
      throws InterruptedException {
    long ceiling = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!call.isDone() && System.nanoTime() < ceiling) {
      synchronized (lock) {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
          if (Arrays.stream(stack).anyMatch(frame ->
              frame.getClassName().equals(Passwords.class.getName())
                  && frame.getMethodName().equals(method))) {
            return true;
          }
        }
      }
      Thread.sleep(1); // polling, bounded by the call; the call needs the lock too
    }
    return false;
  }
}
