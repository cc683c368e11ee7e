package dev.fakeetcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.function.Executable;

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

  /** A Maintenance stub to {@code member}; its calls end after 10 s at the latest. */
  MaintenanceGrpc.MaintenanceBlockingStub maintenance(EtcdCluster cluster, Member member) {
    return MaintenanceGrpc.newBlockingStub(channel(cluster, member))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** A Cluster stub to {@code member}; its calls end after 10 s at the latest. */
  ClusterGrpc.ClusterBlockingStub cluster(EtcdCluster cluster, Member member) {
    return ClusterGrpc.newBlockingStub(channel(cluster, member))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static MemberAddRequest memberAdd(String peerUrl, boolean learner) {
    return MemberAddRequest.newBuilder().addPeerURLs(peerUrl).setIsLearner(learner).build();
  }

  static MemberRemoveRequest memberRemove(long id) {
    return MemberRemoveRequest.newBuilder().setID(id).build();
  }

  /** Adds a learner at {@code peerUrl} through {@code via} and starts it. */
  Member startedLearner(EtcdCluster cluster, Member via, String peerUrl) {
    long id = cluster(cluster, via).memberAdd(memberAdd(peerUrl, true)).getMember().getID();
    return cluster.startAddedMember(id);
  }

  /** Asserts that {@code call} fails with {@code error}: etcd's code and exact message. */
  static void assertFails(EtcdError error, Executable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::execute);
    assertThat(e).as("expected %s", error).isNotNull();
    assertIs(error, e);
  }

  /** Asserts that {@code failure} is {@code error}: etcd's code and exact message. */
  static void assertIs(EtcdError error, Throwable failure) {
    assertThat(failure).as("expected %s", error).isInstanceOf(StatusRuntimeException.class);
    Status status = ((StatusRuntimeException) failure).getStatus();
    assertThat(status.getCode()).isEqualTo(error.code());
    assertThat(status.getDescription()).isEqualTo(error.message());
  }

  /** The failure {@code future} ends with; an assertion error if it succeeds or takes 10 s. */
  static StatusRuntimeException failureOf(ListenableFuture<?> future)
      throws InterruptedException {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (StatusRuntimeException) e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("no answer", e);
    }
    throw new AssertionError("succeeded: " + future);
  }

  static Member follower(EtcdCluster cluster) {
    return cluster.members().stream().filter(m -> !m.isLeader()).findFirst().orElseThrow();
  }

  /** The first member that is none of {@code not}. */
  static Member otherThan(EtcdCluster cluster, Member... not) {
    return cluster.members().stream()
        .filter(m -> Arrays.stream(not).noneMatch(n -> n.id() == m.id()))
        .findFirst().orElseThrow();
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
