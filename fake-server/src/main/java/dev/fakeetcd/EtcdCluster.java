package dev.fakeetcd;

import dev.fakeetcd.server.EtcdServer;
import dev.fakeetcd.sim.SimNetwork;
import dev.fakeetcd.sim.VirtualClock;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A running fake etcd cluster: its members, their endpoints, the virtual clock and the simulated
 * network between members. Close it to free every port and thread.
 */
public final class EtcdCluster implements AutoCloseable {

  private final ClusterConfig config;
  private final EtcdServer server;
  private final List<Member> members = new ArrayList<>();

  EtcdCluster(ClusterConfig config, EtcdServer server) {
    this.config = config;
    this.server = server;
    List<Long> ids = server.memberIds();
    for (int i = 0; i < ids.size(); i++) {
      members.add(new Member(server, i, ids.get(i)));
    }
  }

  public ClusterConfig config() {
    return config;
  }

  public long seed() {
    return server.seed();
  }

  public long clusterId() {
    return server.clusterId();
  }

  /** Every member, in index order. */
  public List<Member> members() {
    return List.copyOf(members);
  }

  public Member member(int index) {
    if (index < 0 || index >= members.size()) {
      throw new IndexOutOfBoundsException("member index " + index + " of " + members.size());
    }
    return members.get(index);
  }

  /** {@code http://127.0.0.1:port} of each member; empty unless the config asked for TCP. */
  public List<URI> endpoints() {
    return server.endpoints();
  }

  /**
   * A new in-process channel to {@code member}; the caller shuts it down. It runs calls on the
   * caller's thread, so even an asynchronous call has reached the member when it returns, and a
   * clock advanced afterwards counts for it.
   */
  public ManagedChannel inProcessChannel(Member member) {
    return InProcessChannelBuilder.forName(server.inProcessName(member.index())).directExecutor()
        .build();
  }

  /** The cluster's virtual clock; advancing it runs every raft tick and timeout due meanwhile. */
  public VirtualClock clock() {
    return server.clock();
  }

  /**
   * The simulated network between members (partitions, latency, loss). Call it while no other
   * thread drives the cluster, or inside {@code synchronized (cluster.clock())}.
   */
  public SimNetwork network() {
    return server.network();
  }

  /** The member that currently leads, if any. */
  public Optional<Member> leader() {
    return server.leaderId().map(this::byId);
  }

  /**
   * Advances virtual time until a leader exists, for at most 50 election timeouts.
   *
   * @throws IllegalStateException if none emerges, describing every member
   */
  public Member awaitLeader() {
    return byId(server.awaitLeader(config.election().multipliedBy(50)));
  }

  /** Compacts the key-value history at {@code revision} through Raft, as a client's Compact. */
  public void compact(long revision) {
    server.compact(revision);
  }

  private Member byId(long id) {
    for (Member m : members) {
      if (m.id() == id) {
        return m;
      }
    }
    throw new IllegalStateException("unknown member id " + id);
  }

  /** Stops every member's servers, freeing their ports, and the wall-clock driver if any. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "EtcdCluster[seed=" + seed() + ", members=" + members + "]";
  }
}
