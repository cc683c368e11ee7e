package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EtcdClusterTcpTest {

  @Test
  void endpoints_servePutAndRangeOverNetty() throws InterruptedException {
    try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(1).tcp(true).build())) {
      URI first = cluster.endpoints().get(0);
      URI last = cluster.endpoints().get(2);
      ManagedChannel a = NettyChannelBuilder.forAddress(first.getHost(), first.getPort()).usePlaintext().build();
      ManagedChannel b = NettyChannelBuilder.forAddress(last.getHost(), last.getPort()).usePlaintext().build();
      try {
        long rev = KVGrpc.newBlockingStub(a).put(put("k", "v")).getHeader().getRevision();

        assertThat(KVGrpc.newBlockingStub(b).range(get("k")).getKvs(0).getModRevision()).isEqualTo(rev);
        assertThat(KVGrpc.newBlockingStub(b).range(get("k")).getKvs(0).getValue()).isEqualTo(bytes("v"));
      } finally {
        a.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        b.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void close_freesEveryPort() throws IOException {
    List<URI> endpoints;
    try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(2).tcp(true).build())) {
      endpoints = cluster.endpoints();
    }

    for (URI endpoint : endpoints) {
      try (ServerSocket socket = new ServerSocket(endpoint.getPort(), 1, InetAddress.getByName("127.0.0.1"))) {
        assertThat(socket.getLocalPort()).isEqualTo(endpoint.getPort());
      }
    }
  }
}
