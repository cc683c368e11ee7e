package dev.fakeetcd.conformance;

/**
 * Parameter of a {@link ConformanceTest} that needs a cluster of its own: each {@link #launch()}
 * starts a new cluster of the invocation's kind and size (a real etcd on the real targets), and
 * every cluster launched is stopped when the test ends.
 */
public interface ClusterLauncher {

  /** A cluster with etcd's default settings. */
  default PrivateCluster launch() {
    return launch(LaunchOptions.defaults());
  }

  /**
   * A cluster whose members have the backend quota {@code quotaBackendBytes} (etcd's
   * {@code --quota-backend-bytes}: 0 for the default, negative for none).
   */
  default PrivateCluster launch(long quotaBackendBytes) {
    return launch(LaunchOptions.defaults().quotaBackendBytes(quotaBackendBytes));
  }

  /** A cluster whose members are started with {@code options}. */
  PrivateCluster launch(LaunchOptions options);
}
