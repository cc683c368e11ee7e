package dev.fakeetcd.conformance.auth;

import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.auth.Auth.bytes;
import static dev.fakeetcd.conformance.auth.Auth.permission;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.TestCertificates;
import dev.fakeetcd.api.AuthUserAddRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.UserAddOptions;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.conformance.Channels;
import dev.fakeetcd.conformance.ClientTls;
import dev.fakeetcd.conformance.ClusterLauncher;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.PrivateCluster;
import io.etcd.jetcd.ByteSequence;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the client port and {@code --client-cert-auth} (etcd 3.4: {@code
 * etcdserver/v3_server.go} {@code AuthInfoFromCtx}, then {@code auth/store.go} {@code
 * AuthInfoFromTLS}): with auth on, a call without a token runs as the common name of its client
 * certificate, at the current auth revision; a token, when there is one, decides alone. Both
 * targets get the same certificates ({@code LaunchOptions.tls}).
 */
class ClientCertAuthConformanceTest {

  @TempDir
  Path dir;

  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void closeChannels() {
    Channels.shutdown(channels);
  }

  private static PrivateCluster launch(ClusterLauncher launcher, TestCertificates certs,
      boolean clientCertAuth) {
    return launcher.launch(Auth.options().tls(certs, clientCertAuth));
  }

  /** Calls on member 0 over TLS, with a client certificate for {@code cn} unless null. */
  private Caller as(PrivateCluster cluster, TestCertificates certs, String cn) {
    ManagedChannel channel = Channels.to(cluster.endpoints().get(0),
        new ClientTls(certs.caFile(), cn == null ? null : certs.client(cn)));
    channels.add(channel);
    return Caller.anonymous(channel);
  }

  /** Auth on, with alice (role alice: READWRITE on {@code app/}) and root. */
  private static Caller aliceAndRoot(PrivateCluster cluster) {
    Caller root = Auth.enable(cluster);
    Auth.user(cluster, root, "alice", permission(READWRITE, "app/", "app0"));
    return root;
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes("v")).build();
  }

  @ConformanceTest(maxMembers = 1)
  void kv_overServerOnlyTls_putsAndGets(ClusterLauncher launcher) {
    PrivateCluster cluster = launch(launcher, TestCertificates.create(dir), false);
    ByteSequence key = ByteSequence.from("k", StandardCharsets.UTF_8);

    await(cluster.client().getKVClient().put(key, ByteSequence.from("v", StandardCharsets.UTF_8)));

    assertThat(await(cluster.client().getKVClient().get(key)).getCount()).isEqualTo(1);
  }

  @ConformanceTest(maxMembers = 1)
  void put_clientCertAuthWithoutCertificate_isUnavailable(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    Caller noCertificate = as(cluster, certs, null);

    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> noCertificate.kv().put(put("k")));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @ConformanceTest(maxMembers = 1)
  void put_authOffWithCertificateOfNoUser_succeeds(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);

    as(cluster, certs, "nobody").kv().put(put("k"));

    assertThat(Auth.anonymous(cluster).kv().range(RangeRequest.newBuilder().setKey(bytes("k"))
        .build()).getCount()).isEqualTo(1);
  }

  @ConformanceTest(maxMembers = 1)
  void put_withoutToken_runsAsTheCommonName(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    aliceAndRoot(cluster);
    Caller alice = as(cluster, certs, "alice");

    alice.kv().put(put("app/k"));

    assertFails(() -> alice.kv().put(put("other")), Status.Code.PERMISSION_DENIED,
        "etcdserver: permission denied");
  }

  @ConformanceTest(maxMembers = 1)
  void put_certificateWithoutCommonName_isPermissionDenied(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    aliceAndRoot(cluster);

    assertFails(() -> as(cluster, certs, "").kv().put(put("app/k")),
        Status.Code.PERMISSION_DENIED, "etcdserver: permission denied");
  }

  @ConformanceTest(maxMembers = 1)
  void put_commonNameOfUnknownUser_isPermissionDenied(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    aliceAndRoot(cluster);

    assertFails(() -> as(cluster, certs, "mallory").kv().put(put("app/k")),
        Status.Code.PERMISSION_DENIED, "etcdserver: permission denied");
  }

  @ConformanceTest(maxMembers = 1)
  void put_withToken_runsAsTheTokenUserNotTheCommonName(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    aliceAndRoot(cluster);
    Caller alice = as(cluster, certs, "alice");
    Caller rootByToken = Caller.withToken(alice.channel(),
        Auth.authenticate(alice.channel(), "root", Auth.ROOT_PASSWORD));

    rootByToken.kv().put(put("other"));

    assertThat(rootByToken.kv().range(RangeRequest.newBuilder().setKey(bytes("other")).build())
        .getCount()).isEqualTo(1);
  }

  @ConformanceTest(maxMembers = 1)
  void put_withInvalidToken_failsDespiteTheCertificate(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    aliceAndRoot(cluster);
    Caller invalid = Caller.withToken(as(cluster, certs, "root").channel(), "nosuchtoken.1");

    assertFails(() -> invalid.kv().put(put("app/k")), Status.Code.UNAUTHENTICATED,
        "etcdserver: invalid auth token");
  }

  @ConformanceTest(maxMembers = 1)
  void put_noPasswordUserByCertificate_succeeds(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    Caller root = aliceAndRoot(cluster);
    root.auth().userAdd(AuthUserAddRequest.newBuilder().setName("bob")
        .setOptions(UserAddOptions.newBuilder().setNoPassword(true)).build());
    Auth.grantRole(root, "bob", "alice");

    as(cluster, certs, "bob").kv().put(put("app/k"));

    assertThat(root.kv().range(RangeRequest.newBuilder().setKey(bytes("app/k")).build())
        .getCount()).isEqualTo(1);
  }

  @ConformanceTest(maxMembers = 1)
  void lock_withoutToken_runsAsTheCommonName(ClusterLauncher launcher) {
    TestCertificates certs = TestCertificates.create(dir);
    PrivateCluster cluster = launch(launcher, certs, true);
    aliceAndRoot(cluster);
    Caller alice = as(cluster, certs, "alice");

    assertThat(alice.lock().lock(LockRequest.newBuilder().setName(bytes("app/lock")).build())
        .getKey().toStringUtf8()).startsWith("app/lock/");
    assertFails(() -> alice.lock().lock(LockRequest.newBuilder().setName(bytes("other")).build()),
        Status.Code.UNKNOWN, "etcdserver: permission denied");
  }
}
