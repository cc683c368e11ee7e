package dev.fakeetcd.conformance;

/**
 * A cluster started for one test only (see {@link ClusterLauncher}), so the test may reconfigure or
 * fault it. Members started later are appended to {@link #endpoints()} and {@link #channels()};
 * the jetcd {@link #client()} knows the initial members only.
 */
public interface PrivateCluster extends EtcdTarget {

  /** A peer URL on a free loopback port, for a MemberAdd whose member {@link #startAdded} starts. */
  String newPeerUrl();

  /**
   * Starts the member that MemberAdd added as {@code id} with {@code peerUrl}, with an empty data
   * dir, and returns once it knows the leader; on a real etcd a new process joining the cluster.
   */
  void startAdded(long id, String peerUrl);

  /** Stops member {@code index} (a real etcd process is killed, a fake member crashes). */
  void stop(int index);
}
