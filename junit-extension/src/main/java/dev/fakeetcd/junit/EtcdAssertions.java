package dev.fakeetcd.junit;

import dev.fakeetcd.EtcdCluster;

/**
 * AssertJ entry point for fake etcd clusters.
 *
 * <pre>{@code
 * import static dev.fakeetcd.junit.EtcdAssertions.assertThat;
 *
 * assertThat(cluster).hasLeader().termIsGreaterThan(term).allMembersConverged();
 * assertThat(cluster).hasKey("config/a").withValue("1");
 * assertThat(cluster).onMember(follower).atRevision(5).doesNotHaveKey("config/b");
 * }</pre>
 *
 * Failure messages show every member's state: id, role, term, applied index and revision.
 */
public final class EtcdAssertions {

  private EtcdAssertions() {
  }

  /** Assertions on {@code cluster}, reading from its leader and at its latest revision. */
  public static EtcdClusterAssert assertThat(EtcdCluster cluster) {
    return new EtcdClusterAssert(cluster, null, 0);
  }
}
