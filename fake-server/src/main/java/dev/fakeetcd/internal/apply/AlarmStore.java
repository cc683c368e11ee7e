package dev.fakeetcd.internal.apply;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.fakeetcd.api.AlarmMember;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.AlarmType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One member's applied alarms (etcd's alarm bucket): part of the state machine and its snapshot.
 * Kept sorted by (type, member) where etcd iterates Go maps, so listings are reproducible.
 *
 * <p>It also keeps which alarm the member enforces, which etcd 3.4 does not derive from the set
 * ({@code etcdserver/apply.go}, {@code Alarm}): the first alarm of a type makes that type's
 * applier the member's whole applier, replacing the other's; removing the last alarm of either
 * type restores the plain applier, lifting both. Only a restart or a snapshot install
 * ({@code restoreAlarms}) derives it from the set, CORRUPT over NOSPACE.
 */
public final class AlarmStore {

  private record Alarm(int type, long member) implements Comparable<Alarm> {
    @Override
    public int compareTo(Alarm o) {
      int byType = Integer.compare(type, o.type);
      return byType != 0 ? byType : Long.compareUnsigned(member, o.member);
    }

    AlarmMember proto() {
      return AlarmMember.newBuilder().setMemberID(member).setAlarmValue(type).build();
    }
  }

  private final TreeSet<Alarm> alarms = new TreeSet<>();
  /** The alarm whose applier runs: NONE, NOSPACE or CORRUPT. */
  private AlarmType enforced = AlarmType.NONE;

  /** etcd's alarm apply: the response lists what was affected and carries no header. */
  AlarmResponse apply(AlarmRequest request) {
    AlarmResponse.Builder response = AlarmResponse.newBuilder();
    Alarm alarm = new Alarm(request.getAlarmValue(), request.getMemberID());
    boolean enforceable = request.getAlarm() == AlarmType.NOSPACE
        || request.getAlarm() == AlarmType.CORRUPT;
    switch (request.getAction()) {
      case GET -> response.addAllAlarms(get(request.getAlarmValue()));
      // etcd 3.4.23 crashes on activating NONE; later releases ignore it (etcd PR 13084), as here.
      case ACTIVATE -> {
        if (request.getAlarm() == AlarmType.NONE) {
          break;
        }
        boolean first = !active(alarm.type);
        alarms.add(alarm);
        response.addAlarms(alarm.proto());
        if (first && enforceable) {
          enforced = request.getAlarm();
        }
      }
      case DEACTIVATE -> {
        if (alarms.remove(alarm)) {
          response.addAlarms(alarm.proto());
          if (!active(alarm.type) && enforceable) {
            enforced = AlarmType.NONE;
          }
        }
      }
      default -> { } // an unknown action (etcd 3.4.23 crashes on it) changes nothing
    }
    return response.build();
  }

  /** The alarm whose applier refuses requests: NONE, NOSPACE or CORRUPT. */
  AlarmType enforced() {
    return enforced;
  }

  void enforce(AlarmType type) {
    enforced = type;
  }

  /** etcd's {@code restoreAlarms} on restart and snapshot install: CORRUPT over NOSPACE. */
  void restoreEnforced() {
    enforced = active(AlarmType.CORRUPT_VALUE) ? AlarmType.CORRUPT
        : active(AlarmType.NOSPACE_VALUE) ? AlarmType.NOSPACE : AlarmType.NONE;
  }

  /** How many alarms are active, of any type. */
  int count() {
    return alarms.size();
  }

  /** The alarms of {@code type}; {@code NONE} (0) means all of them. */
  List<AlarmMember> get(int type) {
    List<AlarmMember> list = new ArrayList<>();
    for (Alarm a : alarms) {
      if (type == AlarmType.NONE_VALUE || a.type == type) {
        list.add(a.proto());
      }
    }
    return list;
  }

  boolean active(AlarmType type) {
    return active(type.getNumber());
  }

  private boolean active(int type) {
    for (Alarm a : alarms) {
      if (a.type == type) {
        return true;
      }
    }
    return false;
  }

  /**
   * Status's error strings: Go's compact text form of an {@code AlarmMember}, default fields left
   * out, each field followed by a space (hence etcd's trailing space).
   */
  public List<String> statusErrors() {
    List<String> errors = new ArrayList<>();
    for (Alarm a : alarms) {
      StringBuilder text = new StringBuilder();
      if (a.member != 0) {
        text.append("memberID:").append(Long.toUnsignedString(a.member)).append(' ');
      }
      if (a.type != 0) {
        AlarmType type = AlarmType.forNumber(a.type);
        text.append("alarm:").append(type == null ? Integer.toString(a.type) : type.name())
            .append(' ');
      }
      errors.add(text.toString());
    }
    return errors;
  }

  void writeTo(CodedOutputStream out) {
    try {
      out.writeUInt32NoTag(alarms.size());
      for (Alarm a : alarms) {
        out.writeInt32NoTag(a.type);
        out.writeUInt64NoTag(a.member);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void readFrom(CodedInputStream in) throws IOException {
    alarms.clear();
    int n = in.readUInt32();
    for (int i = 0; i < n; i++) {
      alarms.add(new Alarm(in.readInt32(), in.readUInt64()));
    }
  }
}
