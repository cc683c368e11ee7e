package dev.fakeetcd.conformance;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import dev.fakeetcd.api.MemberRemoveRequest;
import dev.fakeetcd.api.MemberRemoveResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Cluster-service calls that tests on any target share. */
public final class Members {

  private static final String UNHEALTHY = "etcdserver: unhealthy cluster";
  private static final int ATTEMPTS = 30;

  private Members() {}

  /**
   * MemberAdd through member 0. etcd refuses any MemberAdd ("unhealthy cluster") until every voter
   * has been connected to the member for 5 s (its HealthInterval), so a fresh cluster is waited
   * for, at most 15 s.
   */
  public static MemberAddResponse add(EtcdTarget target, String peerUrl, boolean learner)
      throws InterruptedException {
    return add(target, MemberAddRequest.newBuilder().addPeerURLs(peerUrl).setIsLearner(learner)
        .build());
  }

  /** As {@link #add(EtcdTarget, String, boolean)}, with the request as given. */
  public static MemberAddResponse add(EtcdTarget target, MemberAddRequest request)
      throws InterruptedException {
    return whileUnhealthy(() -> stub(target.channels().get(0)).memberAdd(request));
  }

  /**
   * MemberRemove of voter or learner {@code id} through {@code channel}. Removing a running voter
   * is refused the same way until a quorum of the voters left has been connected to the member
   * asked for 5 s; waited for, at most 15 s.
   */
  public static MemberRemoveResponse remove(ManagedChannel channel, long id)
      throws InterruptedException {
    MemberRemoveRequest request = MemberRemoveRequest.newBuilder().setID(id).build();
    return whileUnhealthy(() -> stub(channel).memberRemove(request));
  }

  /**
   * Adds a learner to {@code cluster}, starts it and waits until it knows it is a learner; returns
   * its ID. Its channel is the cluster's last.
   */
  public static long startLearner(PrivateCluster cluster) throws InterruptedException {
    long id = addAndStart(cluster, true);
    ManagedChannel learner = cluster.channels().get(cluster.memberCount() - 1);
    Await.until("the learner knows it is one", () -> Stubs.status(learner).getIsLearner());
    return id;
  }

  /** Adds a voter to {@code cluster} and starts it; returns its ID. Its channel is the last. */
  public static long startVoter(PrivateCluster cluster) throws InterruptedException {
    return addAndStart(cluster, false);
  }

  private static long addAndStart(PrivateCluster cluster, boolean learner)
      throws InterruptedException {
    String peerUrl = cluster.newPeerUrl();
    long id = add(cluster, peerUrl, learner).getMember().getID();
    cluster.startAdded(id, peerUrl);
    return id;
  }

  private static ClusterGrpc.ClusterBlockingStub stub(ManagedChannel channel) {
    return ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static <T> T whileUnhealthy(Supplier<T> call) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        if (attempt == ATTEMPTS || !UNHEALTHY.equals(e.getStatus().getDescription())) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
  }
}
