package dev.fakeetcd.conformance;

import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.VirtualClock;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Fake etcd clusters on TCP ports as conformance targets. Their clock follows real time, as the
 * standalone server's does, so jetcd's own timeouts and retries meet the same timing as on a real
 * etcd.
 */
final class FakeEtcdTarget {

  /** Beyond KV (and the Status/MemberList the harness uses), the RPCs the fake serves so far. */
  private static final Set<Rpc> SERVED = EnumSet.of(Rpc.WATCH, Rpc.LEASE, Rpc.ALARM, Rpc.HASH_KV,
      Rpc.SNAPSHOT);

  private FakeEtcdTarget() {}

  static EtcdTargetFactory factory(int members) {
    return new EtcdTargetFactory() {
      @Override
      public StartedTarget start(String name, LaunchOptions options) {
        ClusterConfig.Builder config = ClusterConfig.builder()
            .members(members)
            .quotaBackendBytes(options.quotaBackendBytes())
            .clockMode(VirtualClock.Mode.WALL_CLOCK)
            .tcp(true);
        options.authToken().ifPresent(config::authToken);
        options.authTokenTtl().ifPresent(config::authTokenTtl);
        options.bcryptCost().ifPresent(config::bcryptCost);
        options.tls().ifPresent(config::tls);
        ClientTls tls = options.harnessTls().orElse(null);
        EtcdCluster cluster = FakeEtcd.newCluster(config.build());
        return StartedTarget.of(name, cluster.endpoints(), tls, new MemberControl() {
          @Override
          public URI startAdded(long id, URI peerUrl) {
            URI endpoint = cluster.startAddedMember(id).endpoint().orElseThrow();
            Channels.awaitLeaderKnown(endpoint, tls, Duration.ofSeconds(30), () -> true,
                () -> name + ": added member " + Long.toUnsignedString(id, 16)
                    + " learned no leader\n" + cluster.trace());
            return endpoint;
          }

          @Override
          public void stop(int index) {
            cluster.member(index).crash();
          }

          @Override
          public void close() {
            cluster.close();
          }
        });
      }

      @Override
      public boolean serves(Rpc rpc) {
        return SERVED.contains(rpc);
      }
    };
  }
}
