package dev.fakeetcd;

import dev.fakeetcd.internal.raft.Role;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.sim.Trace;
import java.net.URI;
import java.util.Optional;

/** One member of an {@link EtcdCluster}: its identity, endpoint, Raft view and process faults. */
public final class Member {

  private final Cluster cluster;
  private final int index;
  private final long id;

  Member(Cluster cluster, int index, long id) {
    this.cluster = cluster;
    this.index = index;
    this.id = id;
  }

  /** Position in {@link EtcdCluster#members()}. */
  public int index() {
    return index;
  }

  /** The etcd member ID (as in response headers and MemberList). */
  public long id() {
    return id;
  }

  /** Its name: {@code member-<index>}, as in MemberList and the cluster's trace. */
  public String name() {
    return Cluster.memberName(index);
  }

  /** {@code http://127.0.0.1:port}, when the cluster listens on TCP. */
  public Optional<URI> endpoint() {
    return cluster.endpoints().isEmpty() ? Optional.empty()
        : Optional.of(cluster.endpoints().get(index));
  }

  /** Whether its process runs (paused counts as running): not crashed, not killed. */
  public boolean isUp() {
    synchronized (cluster.lock()) {
      return cluster.member(id).isUp();
    }
  }

  /** Whether it runs and leads. */
  public boolean isLeader() {
    synchronized (cluster.lock()) {
      return cluster.member(id).isUp() && cluster.member(id).role() == Role.LEADER;
    }
  }

  /** The member's current Raft term. */
  public long term() {
    synchronized (cluster.lock()) {
      return cluster.member(id).term();
    }
  }

  /** This member's role, term, applied index and revision now. */
  public MemberStatus status() {
    synchronized (cluster.lock()) {
      SimMember<EtcdStateMachine> m = cluster.member(id);
      if (!m.isUp()) {
        return new MemberStatus(this, "DOWN", false, 0, 0, 0);
      }
      return new MemberStatus(this, m.role().name(), m.isPaused(), m.term(), m.appliedIndex(),
          cluster.revision(id));
    }
  }

  /** Kills the process: volatile state is lost, the disk stays; waiting requests fail. */
  public void crash() {
    cluster.crash(id);
  }

  /** Starts a crashed member again from its disk. */
  public void restart() {
    cluster.restart(id);
  }

  /** Freezes the process; what arrives meanwhile waits. */
  public void pause() {
    cluster.pause(id);
  }

  /** Unfreezes a paused process; it then handles what arrived meanwhile. */
  public void resume() {
    cluster.resume(id);
  }

  @Override
  public String toString() {
    return Trace.label(name(), id);
  }
}
