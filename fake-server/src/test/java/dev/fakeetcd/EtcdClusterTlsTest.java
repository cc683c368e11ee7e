package dev.fakeetcd;

import static dev.fakeetcd.Clusters.assertFails;
import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.AuthenticateRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.Permission;
import dev.fakeetcd.api.WatchCreateRequest;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.api.WatchRequest;
import dev.fakeetcd.api.WatchResponse;
import dev.fakeetcd.api.lock.LockGrpc;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import dev.fakeetcd.testing.RawHttp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the client ports and etcd's {@code --client-cert-auth}: with auth on, a request without
 * a token runs as its client certificate's common name (etcd 3.4's {@code AuthInfoFromTLS}); a
 * token, when there is one, decides alone. The same against etcd:
 * {@code ClientCertAuthConformanceTest}.
 */
class EtcdClusterTlsTest {

  private static final Metadata.Key<String> TOKEN =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path dir;

  private TestCertificates certs;
  private final Clusters clusters = new Clusters();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void makeCertificates() {
    certs = TestCertificates.create(dir);
  }

  @AfterEach
  void closeAll() {
    channels.forEach(ManagedChannel::shutdownNow);
    clusters.close();
  }

  private EtcdCluster start(boolean clientCertAuth, boolean auth) {
    ClusterConfig.Builder config = ClusterConfig.builder().members(1).seed(5).bcryptCost(4)
        .tcp(true).tls(certs.serverTls(clientCertAuth));
    if (auth) {
      config.auth(AuthSetup.withRootPassword("rootpw")
          .role("app").grantPrefix("app", Permission.Type.READWRITE, "/app/")
          .user("alice", "alicepw", "app")
          .userWithoutPassword("bob", "app"));
    }
    return clusters.start(config.build());
  }

  /** A TLS channel to the cluster's member, presenting a certificate for {@code cn} unless null. */
  private ManagedChannel channel(EtcdCluster cluster, String cn) throws SSLException {
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(certs.caFile().toFile());
    if (cn != null) {
      TestCertificates.ClientCertificate client = certs.client(cn);
      ssl.keyManager(client.certFile().toFile(), client.keyFile().toFile());
    }
    URI endpoint = cluster.endpoints().get(0);
    ManagedChannel channel = NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
        .sslContext(ssl.build()).overrideAuthority(TestCertificates.AUTHORITY).build();
    channels.add(channel);
    return channel;
  }

  private static KVGrpc.KVBlockingStub withToken(KVGrpc.KVBlockingStub stub, String token) {
    Metadata headers = new Metadata();
    headers.put(TOKEN, token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private String login(ManagedChannel channel, String user, String password) {
    return AuthGrpc.newBlockingStub(channel).authenticate(AuthenticateRequest.newBuilder()
        .setName(user).setPassword(password).build()).getToken();
  }

  @Test
  void put_serverOnlyTls_succeeds() throws Exception {
    EtcdCluster cluster = start(false, false);

    long revision = KVGrpc.newBlockingStub(channel(cluster, null)).put(put("k", "v"))
        .getHeader().getRevision();

    assertThat(revision).isEqualTo(2);
  }

  @Test
  void put_clientCertAuthWithoutCertificate_isRefused() throws Exception {
    EtcdCluster cluster = start(true, false);
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(cluster, null));

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> kv.put(put("k", "v")));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void put_trustedCaWithoutClientCertAuthWithoutCertificate_isRefused() throws Exception {
    EtcdCluster cluster = clusters.start(ClusterConfig.builder().members(1).seed(5).tcp(true)
        .tls(certs.serverTls(false).trustedCa(certs.caFile())).build());
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(cluster, null));

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> kv.put(put("k", "v")));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void put_authOffWithCertificateOfNoUser_succeeds() throws Exception {
    EtcdCluster cluster = start(true, false);

    KVGrpc.newBlockingStub(channel(cluster, "nobody")).put(put("k", "v"));

    assertThat(clusters.kv(cluster, cluster.member(0)).range(Clusters.get("k")).getCount())
        .isEqualTo(1);
  }

  @Test
  void put_withoutToken_runsAsCommonName() throws Exception {
    EtcdCluster cluster = start(true, true);
    KVGrpc.KVBlockingStub alice = KVGrpc.newBlockingStub(channel(cluster, "alice"));

    alice.put(put("/app/k", "v"));

    assertThat(alice.range(Clusters.get("/app/k")).getKvs(0).getValue()).isEqualTo(bytes("v"));
    assertFails(EtcdError.PERMISSION_DENIED, () -> alice.put(put("/other", "v")));
  }

  @Test
  void gateway_certificateWithCommonName_isRefusedAsEtcdsGatewayRefusesIt() throws Exception {
    EtcdCluster cluster = start(true, true);

    RawHttp.Response answer = RawHttp.request(httpsSockets("alice"), cluster.endpoints().get(0),
        "POST", "/v3/kv/range");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).isEqualTo("CommonName of client sending a request against gateway"
        + " will be ignored and not used as expected\n");
  }

  @Test
  void gateway_certificateWithCommonNameAuthOff_isServed() throws Exception {
    EtcdCluster cluster = start(true, false);

    RawHttp.Response answer = RawHttp.request(httpsSockets("alice"), cluster.endpoints().get(0),
        "POST", "/v3/kv/range");

    // Past the refusal: an empty body is a range with no key.
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).contains("etcdserver: key is not provided");
  }

  /** Sockets speaking TLS with the cluster's CA and a client certificate for {@code cn}. */
  private SocketFactory httpsSockets(String cn) throws SSLException {
    TestCertificates.ClientCertificate client = certs.client(cn);
    SslContext context = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(certs.caFile().toFile())
        .keyManager(client.certFile().toFile(), client.keyFile().toFile()).build();
    return ((JdkSslContext) context).context().getSocketFactory();
  }

  @Test
  void put_withToken_runsAsTheTokenUserNotTheCommonName() throws Exception {
    EtcdCluster cluster = start(true, true);
    ManagedChannel channel = channel(cluster, "alice");
    KVGrpc.KVBlockingStub root = withToken(KVGrpc.newBlockingStub(channel),
        login(channel, "root", "rootpw"));

    root.put(put("/other", "v"));

    assertThat(root.range(Clusters.get("/other")).getCount()).isEqualTo(1);
  }

  @Test
  void put_withInvalidToken_failsDespiteTheCertificate() throws Exception {
    EtcdCluster cluster = start(true, true);
    KVGrpc.KVBlockingStub kv = withToken(KVGrpc.newBlockingStub(channel(cluster, "root")),
        "nosuchtoken.1");

    assertFails(EtcdError.INVALID_AUTH_TOKEN, () -> kv.put(put("/app/k", "v")));
  }

  @Test
  void put_certificateWithoutCommonName_failsPermissionDenied() throws Exception {
    EtcdCluster cluster = start(true, true);
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(cluster, ""));

    // An empty user with a revision: etcd's isOpPermitted finds no such user, not no user.
    assertFails(EtcdError.PERMISSION_DENIED, () -> kv.put(put("/app/k", "v")));
  }

  @Test
  void put_commonNameOfUnknownUser_failsPermissionDenied() throws Exception {
    EtcdCluster cluster = start(true, true);
    KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel(cluster, "mallory"));

    assertFails(EtcdError.PERMISSION_DENIED, () -> kv.put(put("/app/k", "v")));
  }

  @Test
  void put_noPasswordUserByCertificate_succeeds() throws Exception {
    EtcdCluster cluster = start(true, true);

    KVGrpc.newBlockingStub(channel(cluster, "bob")).put(put("/app/k", "v"));

    assertThat(KVGrpc.newBlockingStub(channel(cluster, "alice")).range(Clusters.get("/app/k"))
        .getCount()).isEqualTo(1);
  }

  @Test
  void lock_withoutToken_runsAsCommonName() throws Exception {
    EtcdCluster cluster = start(true, true);
    LockGrpc.LockBlockingStub alice = LockGrpc.newBlockingStub(channel(cluster, "alice"));

    assertThat(alice.lock(LockRequest.newBuilder().setName(bytes("/app/lock")).build()).getKey()
        .toStringUtf8()).startsWith("/app/lock/");
    StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class,
        () -> alice.lock(LockRequest.newBuilder().setName(bytes("/other")).build()));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(denied.getStatus().getDescription()).isEqualTo("etcdserver: permission denied");
  }

  @Test
  void watch_withoutToken_isCheckedAsTheCommonName() throws Exception {
    EtcdCluster cluster = start(true, true);
    BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    StreamObserver<WatchRequest> watch = WatchGrpc.newStub(channel(cluster, "alice"))
        .watch(new StreamObserver<>() {
          @Override
          public void onNext(WatchResponse response) {
            responses.add(response);
          }

          @Override
          public void onError(Throwable t) {
          }

          @Override
          public void onCompleted() {
          }
        });

    watch.onNext(WatchRequest.newBuilder().setCreateRequest(
        WatchCreateRequest.newBuilder().setKey(bytes("/app/k"))).build());
    watch.onNext(WatchRequest.newBuilder().setCreateRequest(
        WatchCreateRequest.newBuilder().setKey(bytes("/other"))).build());

    WatchResponse allowed = responses.poll(10, TimeUnit.SECONDS);
    WatchResponse denied = responses.poll(10, TimeUnit.SECONDS);
    watch.onCompleted();
    assertThat(allowed.getCreated()).isTrue();
    assertThat(allowed.getCanceled()).isFalse();
    assertThat(denied.getCanceled()).isTrue();
    assertThat(denied.getCancelReason()).isEqualTo(
        "rpc error: code = PermissionDenied desc = etcdserver: permission denied");
  }
}
