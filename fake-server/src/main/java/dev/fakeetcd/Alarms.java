package dev.fakeetcd;

import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmType;
import dev.fakeetcd.internal.server.Cluster;
import java.util.List;

/**
 * The cluster's alarms, for tests: raising and clearing NOSPACE or CORRUPT as a client's
 * Maintenance/Alarm would, through Raft from the leader. While NOSPACE is enforced puts, lease
 * grants and txns with a top-level put fail with {@code database space exceeded}; while CORRUPT
 * is enforced every write, compaction and lease grant or revoke fails with {@code corrupt cluster}.
 * As in etcd 3.4, the type raised last is enforced, clearing the last alarm of either type lifts
 * both, and a restarted member enforces CORRUPT over NOSPACE.
 *
 * <pre>{@code cluster.alarms().activate(cluster.member(0), AlarmType.NOSPACE);}</pre>
 */
public final class Alarms {

  private final Cluster cluster;

  Alarms(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Raises {@code type} for {@code member}; applied everywhere when this returns. */
  public void activate(Member member, AlarmType type) {
    send(AlarmRequest.AlarmAction.ACTIVATE, member.id(), type);
  }

  /** Clears {@code type} for {@code member}; a no-op if it is not raised. */
  public void deactivate(Member member, AlarmType type) {
    send(AlarmRequest.AlarmAction.DEACTIVATE, member.id(), type);
  }

  /** Every active alarm, ordered by type and member id. */
  public List<AlarmMember> list() {
    return send(AlarmRequest.AlarmAction.GET, 0, AlarmType.NONE);
  }

  private List<AlarmMember> send(AlarmRequest.AlarmAction action, long member, AlarmType type) {
    return cluster.alarm(AlarmRequest.newBuilder().setAction(action).setMemberID(member)
        .setAlarm(type).build()).getAlarmsList();
  }
}
