package dev.fakeetcd.conformance;

/**
 * Parameter of a {@link ConformanceTest} that needs a cluster of its own: each {@link #launch()}
 * starts a new cluster of the invocation's kind and size (a real etcd on the real targets), and
 * every cluster launched is stopped when the test ends.
 */
public interface ClusterLauncher {

  /** A cluster with etcd's default settings. */
  default PrivateCluster launch() {
    return launch(0);
  }

  /**
   * A cluster whose members have the backend quota {@code quotaBackendBytes} (etcd's
   * {@code --quota-backend-bytes}: 0 for the default, negative for none).
   */
  PrivateCluster launch(long quotaBackendBytes);
}
