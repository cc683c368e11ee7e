package dev.fakeetcd;

import static dev.fakeetcd.Clusters.bytes;
import static dev.fakeetcd.Clusters.get;
import static dev.fakeetcd.Clusters.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fakeetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
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

  @Test
  void newCluster_basePort_putsMemberIOnEveryOtherPort() throws IOException {
    int base = freeBase(3);
    try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(3).basePort(base).build())) {
      assertThat(cluster.endpoints()).extracting(URI::getPort).containsExactly(base, base + 2, base + 4);
    }
  }

  @Test
  void newCluster_portInUse_namesPortAndMemberAndFreesTheOtherPorts() throws IOException {
    int base = freeBase(3);
    try (ServerSocket held = listen(base + 4)) {
      assertThatThrownBy(() -> FakeEtcd.newCluster(ClusterConfig.builder().members(3).seed(4).basePort(base).build()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageMatching("cannot start member member-2\\([0-9a-f]+\\): 127\\.0\\.0\\.1:" + held.getLocalPort()
              + " is already in use");
    }

    for (int port : List.of(base, base + 2)) {
      try (ServerSocket socket = listen(port)) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }

  /** A port {@code p} such that p, p+2, ... for {@code members} members are free right now. */
  static int freeBase(int members) throws IOException {
    while (true) {
      int base;
      try (ServerSocket probe = listen(0)) {
        base = probe.getLocalPort();
      }
      if (base + 2 * (members - 1) > 65535) {
        continue;
      }
      boolean free = true;
      for (int i = 1; i < members && free; i++) {
        try {
          listen(base + 2 * i).close();
        } catch (IOException busy) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
  }

  static ServerSocket listen(int port) throws IOException {
    return new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
  }
}
