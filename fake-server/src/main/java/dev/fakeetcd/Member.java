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

  private final Cluster server;
  private final int index;
  private final long id;

  Member(Cluster server, int index, long id) {
    this.server = server;
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

  public String name() {
    return Cluster.memberName(index);
  }

  /** {@code http://127.0.0.1:port}, when the cluster listens on TCP. */
  public Optional<URI> endpoint() {
    return server.endpoints().isEmpty() ? Optional.empty()
        : Optional.of(server.endpoints().get(index));
  }

  public boolean isUp() {
    synchronized (server.lock()) {
      return server.member(id).isUp();
    }
  }

  public boolean isLeader() {
    synchronized (server.lock()) {
      return server.member(id).isUp() && server.member(id).role() == Role.LEADER;
    }
  }

  /** The member's current Raft term. */
  public long term() {
    synchronized (server.lock()) {
      return server.member(id).term();
    }
  }

  /** This member's role, term, applied index and revision now. */
  public MemberStatus status() {
    synchronized (server.lock()) {
      SimMember<EtcdStateMachine> m = server.member(id);
      if (!m.isUp()) {
        return new MemberStatus(this, "DOWN", false, 0, 0, 0);
      }
      return new MemberStatus(this, m.role().name(), m.isPaused(), m.term(), m.appliedIndex(),
          server.revision(id));
    }
  }

  /** Kills the process: volatile state is lost, the disk stays; waiting requests fail. */
  public void crash() {
    server.crash(id);
  }

  /** Starts a crashed member again from its disk. */
  public void restart() {
    server.restart(id);
  }

  /** Freezes the process; what arrives meanwhile waits. */
  public void pause() {
    server.pause(id);
  }

  public void resume() {
    server.resume(id);
  }

  @Override
  public String toString() {
    return Trace.label(name(), id);
  }
}
