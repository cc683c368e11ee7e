package dev.fakeetcd;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Clusters and channels a test opened, all closed by {@link #close()}. */
final class Clusters implements AutoCloseable {

  /**
   * etcd's HealthInterval: MemberAdd, and MemberRemove of a running voter, answer
   * {@code unhealthy cluster} until the member asked has been connected to the voters this long.
   */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);

  private final List<EtcdCluster> clusters = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  EtcdCluster start(int members, long seed) {
    return start(ClusterConfig.builder().members(members).seed(seed).build());
  }

  EtcdCluster start(ClusterConfig config) {
    EtcdCluster cluster = FakeEtcd.newCluster(config);
    clusters.add(cluster);
    return cluster;
  }

  ManagedChannel channel(EtcdCluster cluster, Member member) {
    ManagedChannel channel = cluster.inProcessChannel(member);
    channels.add(channel);
    return channel;
  }

  KVGrpc.KVBlockingStub kv(EtcdCluster cluster, Member member) {
    return KVGrpc.newBlockingStub(channel(cluster, member));
  }

  KVGrpc.KVFutureStub kvAsync(EtcdCluster cluster, Member member) {
    return KVGrpc.newFutureStub(channel(cluster, member));
  }

  static Member follower(EtcdCluster cluster) {
    return cluster.members().stream().filter(m -> !m.isLeader()).findFirst().orElseThrow();
  }

  static ByteString bytes(String s) {
    return ByteString.copyFrom(s, StandardCharsets.UTF_8);
  }

  static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
  }

  static RangeRequest get(String key) {
    return RangeRequest.newBuilder().setKey(bytes(key)).build();
  }

  static RangeRequest serializableGet(String key) {
    return get(key).toBuilder().setSerializable(true).build();
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    try {
      for (ManagedChannel c : channels) {
        c.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (EtcdCluster cluster : clusters) {
      cluster.close();
    }
  }
}
