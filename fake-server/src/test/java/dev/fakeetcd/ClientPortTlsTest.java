package dev.fakeetcd;

import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.testing.RawHttp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the client ports: gRPC and HTTP/1.1 inside it, and client certificates. */
class ClientPortTlsTest {

  @TempDir
  Path dir;

  @Test
  void endpoints_useHttpsUnderTls() {
    TestCertificates certs = TestCertificates.create(dir);
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(false)))) {
      assertThat(cluster.endpoints()).allMatch(uri -> uri.getScheme().equals("https"));
    }
  }

  @Test
  void tls_servesGrpcToAClientTrustingTheCa() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(false)))) {
      ManagedChannel channel = channel(cluster.endpoints().get(0),
          GrpcSslContexts.forClient().trustManager(certs.caFile().toFile()));
      try {
        KVGrpc.newBlockingStub(channel).put(put("k", "v"));

        assertThat(KVGrpc.newBlockingStub(channel).range(get("k")).getCount()).isEqualTo(1);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void tls_servesHttpInsideTls() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(false)))) {
      RawHttp.Response response = RawHttp.request(trusting(certs.caFile()).getSocketFactory(),
          cluster.endpoints().get(0), "GET", "/health");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"health\":\"true\"}");
    }
  }

  @Test
  void tls_clientOfferingH2AndHttp11_speaksHttp11ToTheRoutes() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(false)));
        SSLSocket socket = (SSLSocket) trusting(certs.caFile()).getSocketFactory()
            .createSocket("127.0.0.1", cluster.endpoints().get(0).getPort())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"}); // as curl offers
      socket.setSSLParameters(parameters);

      RawHttp.Response response =
          RawHttp.exchange(socket, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
      assertThat(response.status()).isEqualTo(200);
    }
  }

  @Test
  void trustedCa_withoutClientCertAuth_stillRequiresACertificate() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(false)
        .trustedCa(certs.caFile())))) {
      assertThatThrownBy(() -> putThrough(cluster,
          GrpcSslContexts.forClient().trustManager(certs.caFile().toFile())))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void clientCertAuth_refusesAClientWithoutACertificate() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(true)))) {
      assertThatThrownBy(() -> putThrough(cluster,
          GrpcSslContexts.forClient().trustManager(certs.caFile().toFile())))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void clientCertAuth_servesAClientWithACertificateTheCaSigned() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    TestCertificates.ClientCertificate alice = certs.client("alice");
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(true)))) {
      assertThat(putThrough(cluster, GrpcSslContexts.forClient()
          .trustManager(certs.caFile().toFile())
          .keyManager(alice.certFile().toFile(), alice.keyFile().toFile()))).isEqualTo(2);
    }
  }

  @Test
  void clientCertAuth_refusesAClientCertificateOfAnotherCa() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Path otherDir = Files.createDirectory(dir.resolve("other"));
    TestCertificates.ClientCertificate mallory = TestCertificates.create(otherDir).client("mallory");
    try (EtcdCluster cluster = FakeEtcd.newCluster(config(certs.serverTls(true)))) {
      assertThatThrownBy(() -> putThrough(cluster, GrpcSslContexts.forClient()
          .trustManager(certs.caFile().toFile())
          .keyManager(mallory.certFile().toFile(), mallory.keyFile().toFile())))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void newCluster_refusesAKeyFileItCannotRead() {
    TestCertificates certs = TestCertificates.create(dir);

    assertThatThrownBy(() -> FakeEtcd.newCluster(config(ServerTls.of(certs.serverCertFile(),
        dir.resolve("missing.pem"))))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem");
  }

  private static ClusterConfig config(ServerTls tls) {
    return ClusterConfig.builder().members(1).seed(5).tls(tls).build();
  }

  private static ManagedChannel channel(URI endpoint, SslContextBuilder ssl) throws Exception {
    return NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort())
        .sslContext(ssl.build()).build();
  }

  /** Puts k=v over TLS through member 0's port; the revision of the put. */
  private static long putThrough(EtcdCluster cluster, SslContextBuilder ssl) throws Exception {
    ManagedChannel channel = channel(cluster.endpoints().get(0), ssl);
    try {
      return KVGrpc.newBlockingStub(channel).put(put("k", "v")).getHeader().getRevision();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
