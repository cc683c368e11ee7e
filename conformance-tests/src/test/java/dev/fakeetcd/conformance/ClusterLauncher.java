package dev.fakeetcd.conformance;

/**
 * Parameter of a {@link ConformanceTest} that needs a cluster of its own: each {@link #launch()}
 * starts a new cluster of the invocation's kind and size (a real etcd on the real targets), and
 * every cluster launched is stopped when the test ends.
 */
public interface ClusterLauncher {

  PrivateCluster launch();
}
