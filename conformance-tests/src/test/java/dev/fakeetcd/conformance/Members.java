package dev.fakeetcd.conformance;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.MemberAddRequest;
import dev.fakeetcd.api.MemberAddResponse;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/** Cluster-service calls that tests on any target share. */
public final class Members {

  private static final String UNHEALTHY = "etcdserver: unhealthy cluster";
  private static final int ADD_ATTEMPTS = 30;

  private Members() {}

  /**
   * MemberAdd through member 0. etcd refuses any MemberAdd ("unhealthy cluster") until every voter
   * has been connected to the member for 5 s (its HealthInterval), so a fresh cluster is waited
   * for, at most 15 s.
   */
  public static MemberAddResponse add(EtcdTarget target, String peerUrl, boolean learner)
      throws InterruptedException {
    MemberAddRequest request = MemberAddRequest.newBuilder().addPeerURLs(peerUrl)
        .setIsLearner(learner).build();
    for (int attempt = 1; ; attempt++) {
      try {
        return ClusterGrpc.newBlockingStub(target.channels().get(0))
            .withDeadlineAfter(30, TimeUnit.SECONDS).memberAdd(request);
      } catch (StatusRuntimeException e) {
        if (attempt == ADD_ATTEMPTS || !UNHEALTHY.equals(e.getStatus().getDescription())) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
  }
}
