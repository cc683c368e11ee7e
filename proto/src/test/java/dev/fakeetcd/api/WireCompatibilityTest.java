package dev.fakeetcd.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
import dev.fakeetcd.api.election.CampaignRequest;
import dev.fakeetcd.api.election.CampaignResponse;
import dev.fakeetcd.api.election.LeaderKey;
import dev.fakeetcd.api.election.LeaderRequest;
import dev.fakeetcd.api.election.LeaderResponse;
import dev.fakeetcd.api.election.ProclaimRequest;
import dev.fakeetcd.api.election.ProclaimResponse;
import dev.fakeetcd.api.election.ResignRequest;
import dev.fakeetcd.api.election.ResignResponse;
import dev.fakeetcd.api.lock.LockRequest;
import dev.fakeetcd.api.lock.LockResponse;
import dev.fakeetcd.api.lock.UnlockRequest;
import dev.fakeetcd.api.lock.UnlockResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Our bytes, parsed by jetcd 0.8.7's generated classes: jetcd must see the same fields with the same
 * values, and its bytes must parse back to the original. Each sample sets every field of every message
 * type it contains (checked), so a wrong number, type or name anywhere shows up here.
 * Fields jetcd does not know arrive there as unknown fields; the tests name each one.
 * LeaseLeases, Downgrade and AuthStatus messages are absent from jetcd altogether (see MessageDescriptorTest).
 */
final class WireCompatibilityTest {

  // ---- mvccpb ----

  @Test
  void keyValue_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(kv("k", 5), io.etcd.jetcd.api.KeyValue.parser());
  }

  @Test
  void event_jetcdReadsEveryField() throws Exception {
    Event event = Event.newBuilder()
        .setType(Event.EventType.DELETE)
        .setKv(kv("k", 9))
        .setPrevKv(kv("k", 8))
        .build();

    assertJetcdReadsEveryField(event, io.etcd.jetcd.api.Event.parser());
  }

  // ---- KV ----

  @Test
  void range_jetcdReadsEveryField() throws Exception {
    RangeResponse response = RangeResponse.newBuilder()
        .setHeader(header())
        .addKvs(kv("a", 3))
        .addKvs(kv("b", 4))
        .setMore(true)
        .setCount(7)
        .build();

    assertJetcdReadsEveryField(rangeRequest(), io.etcd.jetcd.api.RangeRequest.parser());
    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.RangeResponse.parser());
  }

  @Test
  void put_jetcdReadsEveryField() throws Exception {
    PutResponse response = PutResponse.newBuilder().setHeader(header()).setPrevKv(kv("p", 2)).build();

    assertJetcdReadsEveryField(putRequest(), io.etcd.jetcd.api.PutRequest.parser());
    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.PutResponse.parser());
  }

  @Test
  void deleteRange_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(deleteRangeRequest(), io.etcd.jetcd.api.DeleteRangeRequest.parser());
    assertJetcdReadsEveryField(deleteRangeResponse(), io.etcd.jetcd.api.DeleteRangeResponse.parser());
  }

  @Test
  void txnRequest_jetcdLacksOnlyTheLeaseCompare() throws Exception {
    Compare leaseCompare = Compare.newBuilder()
        .setResult(Compare.CompareResult.EQUAL)
        .setTarget(Compare.CompareTarget.LEASE)
        .setKey(bytes("lease-key"))
        .setLease(0x77)
        .build();
    TxnRequest withoutLease = txnRequest();
    TxnRequest full = withoutLease.toBuilder().addCompare(leaseCompare).build();

    assertJetcdReadsSameContent(withoutLease, io.etcd.jetcd.api.TxnRequest.parser());
    // jetcd predates Compare LEASE (etcd 3.3): the oneof member `lease` (8) is unknown to it and
    // target 4 has no constant there; both survive jetcd's re-serialisation.
    io.etcd.jetcd.api.TxnRequest theirs = (io.etcd.jetcd.api.TxnRequest)
        assertJetcdKeepsUnknownFields(full, io.etcd.jetcd.api.TxnRequest.parser(), "TxnRequest.compare[4]#8");
    assertThat(theirs.getCompare(4).getTarget()).isEqualTo(io.etcd.jetcd.api.Compare.CompareTarget.UNRECOGNIZED);
    assertThat(theirs.getCompare(4).getTargetValue()).isEqualTo(4);
    assertThat(theirs.getCompare(4).getTargetUnionCase())
        .isEqualTo(io.etcd.jetcd.api.Compare.TargetUnionCase.TARGETUNION_NOT_SET);
  }

  @Test
  void txnResponse_jetcdReadsEveryField() throws Exception {
    TxnResponse nested = TxnResponse.newBuilder()
        .setHeader(header())
        .setSucceeded(true)
        .addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(header())))
        .build();
    TxnResponse response = TxnResponse.newBuilder()
        .setHeader(header())
        .setSucceeded(true)
        .addResponses(ResponseOp.newBuilder().setResponseRange(
            RangeResponse.newBuilder().setHeader(header()).addKvs(kv("r", 1)).setMore(true).setCount(3)))
        .addResponses(ResponseOp.newBuilder().setResponsePut(
            PutResponse.newBuilder().setHeader(header()).setPrevKv(kv("p", 2))))
        .addResponses(ResponseOp.newBuilder().setResponseDeleteRange(deleteRangeResponse()))
        .addResponses(ResponseOp.newBuilder().setResponseTxn(nested))
        .build();

    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.TxnResponse.parser());
  }

  // ---- Watch ----

  @Test
  void watchCreateRequest_jetcdLacksWatchIdAndFragment() throws Exception {
    WatchCreateRequest create = WatchCreateRequest.newBuilder()
        .setKey(bytes("w"))
        .setRangeEnd(bytes("x"))
        .setStartRevision(5)
        .setProgressNotify(true)
        .addFilters(WatchCreateRequest.FilterType.NOPUT)
        .addFilters(WatchCreateRequest.FilterType.NODELETE)
        .setPrevKv(true)
        .setWatchId(9)
        .setFragment(true)
        .build();
    WatchRequest full = WatchRequest.newBuilder().setCreateRequest(create).build();
    WatchRequest withoutNewFields = WatchRequest.newBuilder()
        .setCreateRequest(create.toBuilder().clearWatchId().clearFragment())
        .build();

    assertJetcdReadsSameContent(withoutNewFields, io.etcd.jetcd.api.WatchRequest.parser());
    // watch_id (7) and fragment (8) came with etcd 3.4; jetcd 0.8.7 cannot set or read them.
    assertJetcdKeepsUnknownFields(full, io.etcd.jetcd.api.WatchRequest.parser(),
        "WatchRequest.create_request#7", "WatchRequest.create_request#8");
  }

  @Test
  void watchCancelRequest_jetcdReadsEveryField() throws Exception {
    WatchRequest cancel = WatchRequest.newBuilder()
        .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(9))
        .build();

    assertJetcdReadsEveryField(cancel, io.etcd.jetcd.api.WatchRequest.parser());
  }

  @Test
  void watchProgressRequest_jetcdSeesTheProgressCase() throws Exception {
    WatchRequest progress = WatchRequest.newBuilder()
        .setProgressRequest(WatchProgressRequest.getDefaultInstance())
        .build();

    io.etcd.jetcd.api.WatchRequest theirs = (io.etcd.jetcd.api.WatchRequest)
        assertJetcdReadsEveryField(progress, io.etcd.jetcd.api.WatchRequest.parser());
    assertThat(theirs.getRequestUnionCase()).isEqualTo(io.etcd.jetcd.api.WatchRequest.RequestUnionCase.PROGRESS_REQUEST);
  }

  @Test
  void watchResponse_jetcdLacksFragment() throws Exception {
    WatchResponse full = WatchResponse.newBuilder()
        .setHeader(header())
        .setWatchId(9)
        .setCreated(true)
        .setCanceled(true)
        .setCompactRevision(4)
        .setCancelReason("mvcc: required revision has been compacted")
        .setFragment(true)
        .addEvents(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv("a", 6)).setPrevKv(kv("a", 5)))
        .addEvents(Event.newBuilder().setType(Event.EventType.DELETE).setKv(kv("b", 7)))
        .build();

    assertJetcdReadsSameContent(full.toBuilder().clearFragment().build(), io.etcd.jetcd.api.WatchResponse.parser());
    // fragment (7) came with etcd 3.4: jetcd cannot reassemble fragmented responses.
    assertJetcdKeepsUnknownFields(full, io.etcd.jetcd.api.WatchResponse.parser(), "WatchResponse#7");
  }

  // ---- Lease ----

  @Test
  void leaseGrant_jetcdReadsEveryField() throws Exception {
    LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTTL(60).setID(0x55).build();
    LeaseGrantResponse response = LeaseGrantResponse.newBuilder()
        .setHeader(header()).setID(0x55).setTTL(60).setError("lease already exists").build();

    assertJetcdReadsEveryField(request, io.etcd.jetcd.api.LeaseGrantRequest.parser());
    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.LeaseGrantResponse.parser());
  }

  @Test
  void leaseRevoke_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(LeaseRevokeRequest.newBuilder().setID(0x55).build(),
        io.etcd.jetcd.api.LeaseRevokeRequest.parser());
    assertJetcdReadsEveryField(LeaseRevokeResponse.newBuilder().setHeader(header()).build(),
        io.etcd.jetcd.api.LeaseRevokeResponse.parser());
  }

  @Test
  void leaseKeepAlive_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(LeaseKeepAliveRequest.newBuilder().setID(0x55).build(),
        io.etcd.jetcd.api.LeaseKeepAliveRequest.parser());
    assertJetcdReadsEveryField(LeaseKeepAliveResponse.newBuilder().setHeader(header()).setID(0x55).setTTL(30).build(),
        io.etcd.jetcd.api.LeaseKeepAliveResponse.parser());
  }

  @Test
  void leaseTimeToLive_jetcdReadsEveryField() throws Exception {
    LeaseTimeToLiveResponse response = LeaseTimeToLiveResponse.newBuilder()
        .setHeader(header())
        .setID(0x55)
        .setTTL(59)
        .setGrantedTTL(60)
        .addKeys(bytes("a"))
        .addKeys(bytes("b"))
        .build();

    assertJetcdReadsEveryField(LeaseTimeToLiveRequest.newBuilder().setID(0x55).setKeys(true).build(),
        io.etcd.jetcd.api.LeaseTimeToLiveRequest.parser());
    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.LeaseTimeToLiveResponse.parser());
  }

  // ---- Cluster ----

  @Test
  void member_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(member(1, true), io.etcd.jetcd.api.Member.parser());
  }

  @Test
  void memberList_jetcdLacksLinearizable() throws Exception {
    MemberListResponse response = MemberListResponse.newBuilder()
        .setHeader(header())
        .addMembers(member(1, false))
        .addMembers(member(2, true))
        .build();
    MemberListRequest request = MemberListRequest.newBuilder().setLinearizable(true).build();

    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.MemberListResponse.parser());
    // linearizable (1) came with etcd 3.5; jetcd 0.8.7 always gets the serializable member list.
    assertJetcdKeepsUnknownFields(request, io.etcd.jetcd.api.MemberListRequest.parser(), "MemberListRequest#1");
  }

  // ---- Maintenance ----

  @Test
  void statusResponse_jetcdLacksEtcd36Fields() throws Exception {
    StatusResponse full = StatusResponse.newBuilder()
        .setHeader(header())
        .setVersion("3.6.0")
        .setDbSize(7_909_376)
        .setLeader(0x2222)
        .setRaftIndex(150)
        .setRaftTerm(2)
        .setRaftAppliedIndex(149)
        .addErrors("etcdserver: no leader")
        .addErrors("memberID:8738 alarm:NOSPACE ")
        .setDbSizeInUse(1_605_632)
        .setIsLearner(true)
        .setStorageVersion("3.6.0")
        .setDbSizeQuota(2_147_483_648L)
        .setDowngradeInfo(DowngradeInfo.newBuilder().setEnabled(true).setTargetVersion("3.5.0"))
        .build();
    StatusResponse withoutNewFields = full.toBuilder()
        .clearStorageVersion().clearDbSizeQuota().clearDowngradeInfo().build();

    assertJetcdReadsSameContent(withoutNewFields, io.etcd.jetcd.api.StatusResponse.parser());
    // storageVersion (11), dbSizeQuota (12) and downgradeInfo (13) came with etcd 3.6.
    assertJetcdKeepsUnknownFields(full, io.etcd.jetcd.api.StatusResponse.parser(),
        "StatusResponse#11", "StatusResponse#12", "StatusResponse#13");
  }

  @Test
  void alarm_jetcdLacksCorrupt() throws Exception {
    AlarmRequest request = AlarmRequest.newBuilder()
        .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
        .setMemberID(0x2222)
        .setAlarm(AlarmType.NOSPACE)
        .build();
    AlarmResponse response = AlarmResponse.newBuilder()
        .setHeader(header())
        .addAlarms(AlarmMember.newBuilder().setMemberID(0x2222).setAlarm(AlarmType.NOSPACE))
        .addAlarms(AlarmMember.newBuilder().setMemberID(0x3333).setAlarm(AlarmType.CORRUPT))
        .build();

    assertJetcdReadsEveryField(request, io.etcd.jetcd.api.AlarmRequest.parser());
    assertJetcdReadsSameContent(response.toBuilder().removeAlarms(1).build(), io.etcd.jetcd.api.AlarmResponse.parser());
    // CORRUPT (2) came with etcd 3.3: jetcd keeps the number but has no constant for it.
    io.etcd.jetcd.api.AlarmResponse theirs = (io.etcd.jetcd.api.AlarmResponse)
        assertJetcdKeepsUnknownFields(response, io.etcd.jetcd.api.AlarmResponse.parser());
    assertThat(theirs.getAlarms(1).getAlarm()).isEqualTo(io.etcd.jetcd.api.AlarmType.UNRECOGNIZED);
    assertThat(theirs.getAlarms(1).getAlarmValue()).isEqualTo(2);
  }

  // ---- Lock and Election ----

  @Test
  void lock_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(LockRequest.newBuilder().setName(bytes("mutex")).setLease(0x55).build(),
        io.etcd.jetcd.api.lock.LockRequest.parser());
    assertJetcdReadsEveryField(LockResponse.newBuilder().setHeader(header()).setKey(bytes("mutex/55")).build(),
        io.etcd.jetcd.api.lock.LockResponse.parser());
    assertJetcdReadsEveryField(UnlockRequest.newBuilder().setKey(bytes("mutex/55")).build(),
        io.etcd.jetcd.api.lock.UnlockRequest.parser());
    assertJetcdReadsEveryField(UnlockResponse.newBuilder().setHeader(header()).build(),
        io.etcd.jetcd.api.lock.UnlockResponse.parser());
  }

  @Test
  void campaign_jetcdReadsEveryField() throws Exception {
    CampaignRequest request = CampaignRequest.newBuilder()
        .setName(bytes("election")).setLease(0x55).setValue(bytes("me")).build();
    CampaignResponse response = CampaignResponse.newBuilder().setHeader(header()).setLeader(leaderKey()).build();

    assertJetcdReadsEveryField(request, io.etcd.jetcd.api.CampaignRequest.parser());
    assertJetcdReadsEveryField(response, io.etcd.jetcd.api.CampaignResponse.parser());
  }

  @Test
  void proclaim_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(ProclaimRequest.newBuilder().setLeader(leaderKey()).setValue(bytes("new")).build(),
        io.etcd.jetcd.api.ProclaimRequest.parser());
    assertJetcdReadsEveryField(ProclaimResponse.newBuilder().setHeader(header()).build(),
        io.etcd.jetcd.api.ProclaimResponse.parser());
  }

  @Test
  void leader_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(LeaderRequest.newBuilder().setName(bytes("election")).build(),
        io.etcd.jetcd.api.LeaderRequest.parser());
    assertJetcdReadsEveryField(LeaderResponse.newBuilder().setHeader(header()).setKv(kv("election/55", 12)).build(),
        io.etcd.jetcd.api.LeaderResponse.parser());
  }

  @Test
  void resign_jetcdReadsEveryField() throws Exception {
    assertJetcdReadsEveryField(ResignRequest.newBuilder().setLeader(leaderKey()).build(),
        io.etcd.jetcd.api.ResignRequest.parser());
    assertJetcdReadsEveryField(ResignResponse.newBuilder().setHeader(header()).build(),
        io.etcd.jetcd.api.ResignResponse.parser());
  }

  // ---- checks ----

  /** Every field populated, all of them known to jetcd with equal names and values. */
  private static Message assertJetcdReadsEveryField(Message ours, Parser<? extends Message> jetcd)
      throws InvalidProtocolBufferException {
    assertThat(unsetFields(ours)).as("fields the sample leaves unset").isEmpty();
    return assertJetcdReadsSameContent(ours, jetcd);
  }

  private static Message assertJetcdReadsSameContent(Message ours, Parser<? extends Message> jetcd)
      throws InvalidProtocolBufferException {
    Message theirs = roundTrip(ours, jetcd);
    assertThat(unknownFields(theirs)).as("fields jetcd did not recognise").isEmpty();
    // The text format names every field and enum constant, so this compares names as well as values.
    assertThat(TextFormat.printer().printToString(theirs)).isEqualTo(TextFormat.printer().printToString(ours));
    return theirs;
  }

  /** Every field populated; jetcd holds exactly the listed ones (if any) as unknown and hands them back intact. */
  private static Message assertJetcdKeepsUnknownFields(
      Message ours, Parser<? extends Message> jetcd, String... expectedUnknown) throws InvalidProtocolBufferException {
    assertThat(unsetFields(ours)).as("fields the sample leaves unset").isEmpty();
    Message theirs = roundTrip(ours, jetcd);
    assertThat(unknownFields(theirs)).isEqualTo(Set.of(expectedUnknown));
    return theirs;
  }

  /** Our bytes into jetcd, and jetcd's bytes back into ours: nothing may change on the way. */
  private static Message roundTrip(Message ours, Parser<? extends Message> jetcd)
      throws InvalidProtocolBufferException {
    Message theirs = jetcd.parseFrom(ours.toByteArray());
    Message back = ours.getParserForType().parseFrom(theirs.toByteArray());
    assertThat(back).isEqualTo(ours);
    return theirs;
  }

  /** Unknown fields anywhere in the tree, as "Type.path#number". */
  private static Set<String> unknownFields(Message message) {
    Set<String> found = new TreeSet<>();
    collectUnknown(message, message.getDescriptorForType().getName(), found);
    return found;
  }

  private static void collectUnknown(Message message, String path, Set<String> found) {
    message.getUnknownFields().asMap().keySet().forEach(number -> found.add(path + "#" + number));
    forEachChild(message, (childPath, child) -> collectUnknown(child, path + "." + childPath, found));
  }

  /**
   * Fields of any message type in the tree that no instance of that type sets: a sample passes only if
   * each field (and each oneof member) is non-default somewhere, so every number goes over the wire.
   * The root's own oneofs are the exception: a single message carries just one member of each.
   */
  private static List<String> unsetFields(Message root) {
    Map<Descriptor, Set<FieldDescriptor>> setByType = new LinkedHashMap<>();
    collectSet(root, setByType);
    root.getDescriptorForType().getRealOneofs().stream()
        .filter(root::hasOneof)
        .forEach(oneof -> setByType.get(root.getDescriptorForType()).addAll(oneof.getFields()));
    List<String> unset = new ArrayList<>();
    setByType.forEach((type, set) -> type.getFields().stream()
        .filter(f -> !set.contains(f))
        .forEach(f -> unset.add(type.getName() + "." + f.getName())));
    return unset;
  }

  private static void collectSet(Message message, Map<Descriptor, Set<FieldDescriptor>> setByType) {
    setByType.computeIfAbsent(message.getDescriptorForType(), d -> new TreeSet<>(
            (a, b) -> Integer.compare(a.getNumber(), b.getNumber())))
        .addAll(message.getAllFields().keySet());
    forEachChild(message, (path, child) -> collectSet(child, setByType));
  }

  private static void forEachChild(Message message, BiConsumer<String, Message> action) {
    message.getAllFields().forEach((field, value) -> {
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        return;
      }
      if (field.isRepeated()) {
        List<?> values = (List<?>) value;
        for (int i = 0; i < values.size(); i++) {
          action.accept(field.getName() + "[" + i + "]", (Message) values.get(i));
        }
      } else {
        action.accept(field.getName(), (Message) value);
      }
    });
  }

  // ---- samples: every field non-default ----

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static ResponseHeader header() {
    return ResponseHeader.newBuilder().setClusterId(0x1111).setMemberId(0x2222).setRevision(42).setRaftTerm(3).build();
  }

  private static KeyValue kv(String key, long modRevision) {
    return KeyValue.newBuilder()
        .setKey(bytes(key))
        .setCreateRevision(modRevision - 1)
        .setModRevision(modRevision)
        .setVersion(2)
        .setValue(bytes("value-of-" + key))
        .setLease(0x55)
        .build();
  }

  private static RangeRequest rangeRequest() {
    return RangeRequest.newBuilder()
        .setKey(bytes("a"))
        .setRangeEnd(bytes("z"))
        .setLimit(10)
        .setRevision(40)
        .setSortOrder(RangeRequest.SortOrder.DESCEND)
        .setSortTarget(RangeRequest.SortTarget.MOD)
        .setSerializable(true)
        .setKeysOnly(true)
        .setCountOnly(true)
        .setMinModRevision(1)
        .setMaxModRevision(39)
        .setMinCreateRevision(2)
        .setMaxCreateRevision(38)
        .build();
  }

  private static PutRequest putRequest() {
    return PutRequest.newBuilder()
        .setKey(bytes("p"))
        .setValue(bytes("v"))
        .setLease(0x55)
        .setPrevKv(true)
        .setIgnoreValue(true)
        .setIgnoreLease(true)
        .build();
  }

  private static DeleteRangeRequest deleteRangeRequest() {
    return DeleteRangeRequest.newBuilder().setKey(bytes("d")).setRangeEnd(bytes("e")).setPrevKv(true).build();
  }

  private static DeleteRangeResponse deleteRangeResponse() {
    return DeleteRangeResponse.newBuilder()
        .setHeader(header())
        .setDeleted(2)
        .addPrevKvs(kv("d1", 5))
        .addPrevKvs(kv("d2", 6))
        .build();
  }

  /** Compares on every target but LEASE, and every kind of operation including a nested txn. */
  private static TxnRequest txnRequest() {
    Compare version = Compare.newBuilder()
        .setResult(Compare.CompareResult.EQUAL)
        .setTarget(Compare.CompareTarget.VERSION)
        .setKey(bytes("c1"))
        .setVersion(3)
        .build();
    TxnRequest nested = TxnRequest.newBuilder()
        .addCompare(version)
        .addSuccess(RequestOp.newBuilder().setRequestPut(putRequest()))
        .addFailure(RequestOp.newBuilder().setRequestRange(rangeRequest()))
        .build();
    return TxnRequest.newBuilder()
        .addCompare(version)
        .addCompare(Compare.newBuilder()
            .setResult(Compare.CompareResult.GREATER)
            .setTarget(Compare.CompareTarget.CREATE)
            .setKey(bytes("c2"))
            .setRangeEnd(bytes("c3"))
            .setCreateRevision(10))
        .addCompare(Compare.newBuilder()
            .setResult(Compare.CompareResult.LESS)
            .setTarget(Compare.CompareTarget.MOD)
            .setKey(bytes("c4"))
            .setModRevision(20))
        .addCompare(Compare.newBuilder()
            .setResult(Compare.CompareResult.NOT_EQUAL)
            .setTarget(Compare.CompareTarget.VALUE)
            .setKey(bytes("c5"))
            .setValue(bytes("v")))
        .addSuccess(RequestOp.newBuilder().setRequestRange(rangeRequest()))
        .addSuccess(RequestOp.newBuilder().setRequestPut(putRequest()))
        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(deleteRangeRequest()))
        .addSuccess(RequestOp.newBuilder().setRequestTxn(nested))
        .addFailure(RequestOp.newBuilder().setRequestDeleteRange(deleteRangeRequest()))
        .build();
  }

  private static Member member(long id, boolean learner) {
    return Member.newBuilder()
        .setID(id)
        .setName("m" + id)
        .addPeerURLs("http://127.0.0.1:" + (2380 + id))
        .addClientURLs("http://127.0.0.1:" + (2379 + id))
        .addClientURLs("unix://m" + id)
        .setIsLearner(learner)
        .build();
  }

  private static LeaderKey leaderKey() {
    return LeaderKey.newBuilder()
        .setName(bytes("election"))
        .setKey(bytes("election/55"))
        .setRev(12)
        .setLease(0x55)
        .build();
  }
}
