package dev.fakeetcd.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import dev.fakeetcd.api.election.ElectionProto;
import dev.fakeetcd.api.lock.LockProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every message, field and enum value jetcd 0.8.7 knows, compared with ours by name, number and type;
 * what jetcd lacks is spelled out, so each etcd 3.5/3.6 addition is stated here with its number and type.
 */
final class MessageDescriptorTest {

  private static final List<FileDescriptor> OURS = List.of(
      RpcProto.getDescriptor(),
      KvProto.getDescriptor(),
      AuthProto.getDescriptor(),
      LockProto.getDescriptor(),
      ElectionProto.getDescriptor());

  private static final List<FileDescriptor> JETCD = List.of(
      io.etcd.jetcd.api.JetcdProto.getDescriptor(),
      io.etcd.jetcd.api.Kv.getDescriptor(),
      io.etcd.jetcd.api.Auth.getDescriptor(),
      io.etcd.jetcd.api.lock.JetcdProto.getDescriptor(),
      io.etcd.jetcd.api.ElectionOuterClass.getDescriptor());

  @Test
  void sharedFields_matchJetcdInNameNumberTypeAndOneof() {
    Map<String, Descriptor> ours = messages(OURS);
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (Descriptor theirs : messages(JETCD).values()) {
      Descriptor mine = ours.get(theirs.getFullName());
      if (mine == null) {
        mismatches.add("missing message " + theirs.getFullName());
        continue;
      }
      for (FieldDescriptor theirField : theirs.getFields()) {
        FieldDescriptor myField = mine.findFieldByNumber(theirField.getNumber());
        String expected = describe(theirField);
        String actual = myField == null ? "nothing" : describe(myField);
        if (!expected.equals(actual)) {
          mismatches.add(expected + " but ours has " + actual);
        }
        compared++;
      }
    }
    assertThat(mismatches).isEmpty();
    assertThat(compared).isPositive();
  }

  @Test
  void ourMessages_beyondJetcd_areEtcdsLaterAdditions() {
    TreeSet<String> extra = new TreeSet<>(messages(OURS).keySet());
    extra.removeAll(messages(JETCD).keySet());

    assertThat(extra).containsExactly(
        "authpb.UserAddOptions",
        "etcdserverpb.AuthStatusRequest",
        "etcdserverpb.AuthStatusResponse",
        "etcdserverpb.DowngradeInfo",
        "etcdserverpb.DowngradeRequest",
        "etcdserverpb.DowngradeResponse",
        "etcdserverpb.DowngradeVersionTestRequest",
        "etcdserverpb.LeaseCheckpoint",
        "etcdserverpb.LeaseCheckpointRequest",
        "etcdserverpb.LeaseCheckpointResponse",
        "etcdserverpb.LeaseLeasesRequest",
        "etcdserverpb.LeaseLeasesResponse",
        "etcdserverpb.LeaseStatus");
  }

  @Test
  void ourFields_beyondJetcd_areEtcdsLaterAdditions() {
    Map<String, Descriptor> theirs = messages(JETCD);
    List<String> extra = new ArrayList<>();
    for (Descriptor mine : messages(OURS).values()) {
      Descriptor their = theirs.get(mine.getFullName());
      for (FieldDescriptor field : mine.getFields()) {
        if (their == null || their.findFieldByNumber(field.getNumber()) == null) {
          extra.add(describe(field));
        }
      }
    }

    assertThat(extra).containsExactlyInAnyOrder(
        // etcd 3.3: Compare on a key's lease (with enum value CompareTarget.LEASE).
        "etcdserverpb.Compare.lease = 8 int64 oneof target_union",
        // etcd 3.4: watcher ids chosen by the client and fragmented watch responses.
        "etcdserverpb.WatchCreateRequest.watch_id = 7 int64",
        "etcdserverpb.WatchCreateRequest.fragment = 8 bool",
        "etcdserverpb.WatchResponse.fragment = 7 bool",
        // etcd 3.4: TTL checkpoints, internal to raft but part of etcd's api package.
        "etcdserverpb.LeaseCheckpoint.ID = 1 int64",
        "etcdserverpb.LeaseCheckpoint.remaining_TTL = 2 int64",
        "etcdserverpb.LeaseCheckpointRequest.checkpoints = 1 repeated etcdserverpb.LeaseCheckpoint",
        "etcdserverpb.LeaseCheckpointResponse.header = 1 etcdserverpb.ResponseHeader",
        // etcd 3.3: Lease/LeaseLeases.
        "etcdserverpb.LeaseStatus.ID = 1 int64",
        "etcdserverpb.LeaseLeasesResponse.header = 1 etcdserverpb.ResponseHeader",
        "etcdserverpb.LeaseLeasesResponse.leases = 2 repeated etcdserverpb.LeaseStatus",
        // etcd 3.4: users without password; 3.5: passwords hashed by the client.
        "authpb.UserAddOptions.no_password = 1 bool",
        "authpb.User.options = 4 authpb.UserAddOptions",
        "etcdserverpb.AuthUserAddRequest.options = 3 authpb.UserAddOptions",
        "etcdserverpb.AuthUserAddRequest.hashedPassword = 4 string",
        "etcdserverpb.AuthUserChangePasswordRequest.hashedPassword = 3 string",
        // etcd 3.5: Auth/AuthStatus.
        "etcdserverpb.AuthStatusResponse.header = 1 etcdserverpb.ResponseHeader",
        "etcdserverpb.AuthStatusResponse.enabled = 2 bool",
        "etcdserverpb.AuthStatusResponse.authRevision = 3 uint64",
        // etcd 3.5: linearizable MemberList.
        "etcdserverpb.MemberListRequest.linearizable = 1 bool",
        // etcd 3.5: Maintenance/Downgrade; 3.6: its test-only raft request.
        "etcdserverpb.DowngradeRequest.action = 1 etcdserverpb.DowngradeRequest.DowngradeAction",
        "etcdserverpb.DowngradeRequest.version = 2 string",
        "etcdserverpb.DowngradeResponse.header = 1 etcdserverpb.ResponseHeader",
        "etcdserverpb.DowngradeResponse.version = 2 string",
        "etcdserverpb.DowngradeVersionTestRequest.ver = 1 string",
        // etcd 3.6: HashKV's revision, the snapshot's server version, storage details in Status.
        "etcdserverpb.HashKVResponse.hash_revision = 4 int64",
        "etcdserverpb.SnapshotResponse.version = 4 string",
        "etcdserverpb.StatusResponse.storageVersion = 11 string",
        "etcdserverpb.StatusResponse.dbSizeQuota = 12 int64",
        "etcdserverpb.StatusResponse.downgradeInfo = 13 etcdserverpb.DowngradeInfo",
        "etcdserverpb.DowngradeInfo.enabled = 1 bool",
        "etcdserverpb.DowngradeInfo.targetVersion = 2 string");
  }

  @Test
  void sharedEnumValues_matchJetcd() {
    Map<String, String> ours = enumValues(OURS);
    Map<String, String> theirs = enumValues(JETCD);

    assertThat(ours).containsAllEntriesOf(theirs);
  }

  @Test
  void ourEnumValues_beyondJetcd_areEtcdsLaterAdditions() {
    TreeSet<String> extra = new TreeSet<>();
    Map<String, String> theirs = enumValues(JETCD);
    enumValues(OURS).forEach((name, number) -> {
      if (!theirs.containsKey(name)) {
        extra.add(name + " = " + number);
      }
    });

    assertThat(extra).containsExactly(
        "etcdserverpb.AlarmType.CORRUPT = 2",
        "etcdserverpb.Compare.CompareTarget.LEASE = 4",
        "etcdserverpb.DowngradeRequest.DowngradeAction.CANCEL = 2",
        "etcdserverpb.DowngradeRequest.DowngradeAction.ENABLE = 1",
        "etcdserverpb.DowngradeRequest.DowngradeAction.VALIDATE = 0");
  }

  /** "msg.name = number [repeated] type [oneof name]", with message and enum types by full name. */
  private static String describe(FieldDescriptor field) {
    String type = switch (field.getJavaType()) {
      case MESSAGE -> field.getMessageType().getFullName();
      case ENUM -> field.getEnumType().getFullName();
      default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
    OneofDescriptor oneof = field.getRealContainingOneof();
    return field.getContainingType().getFullName() + "." + field.getName() + " = " + field.getNumber()
        + (field.isRepeated() ? " repeated " : " ") + type
        + (oneof == null ? "" : " oneof " + oneof.getName());
  }

  private static Map<String, Descriptor> messages(List<FileDescriptor> files) {
    Map<String, Descriptor> all = new TreeMap<>();
    files.forEach(f -> f.getMessageTypes().forEach(m -> addWithNested(m, all)));
    return all;
  }

  private static void addWithNested(Descriptor message, Map<String, Descriptor> all) {
    all.put(message.getFullName(), message);
    message.getNestedTypes().forEach(n -> addWithNested(n, all));
  }

  /** Full enum value name to number, over top-level and nested enums. */
  private static Map<String, String> enumValues(List<FileDescriptor> files) {
    List<EnumDescriptor> enums = new ArrayList<>();
    files.forEach(f -> enums.addAll(f.getEnumTypes()));
    messages(files).values().forEach(m -> enums.addAll(m.getEnumTypes()));
    Map<String, String> values = new TreeMap<>();
    for (EnumDescriptor e : enums) {
      for (EnumValueDescriptor v : e.getValues()) {
        values.put(e.getFullName() + "." + v.getName(), String.valueOf(v.getNumber()));
      }
    }
    return values;
  }
}
