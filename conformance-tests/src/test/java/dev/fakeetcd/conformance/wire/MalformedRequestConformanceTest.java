package dev.fakeetcd.conformance.wire;

import static dev.fakeetcd.conformance.Failures.assertFails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.Map;

/**
 * Request bytes etcd's decoder (gogo-generated, etcdserver/etcdserverpb/rpc.pb.go) refuses, or
 * takes where protobuf-java would not: the failure is INTERNAL with grpc-go's prefix ("error
 * unmarshalling request" for unary calls, "failed to unmarshal the received message" for
 * streams) and the decoder's own words, naming the message by its Go type and the field by its Go
 * name. Hex request bodies; a sample of methods per class, unary and streaming.
 */
class MalformedRequestConformanceTest {

  private static final String UNARY = "grpc: error unmarshalling request: ";
  private static final String STREAM = "grpc: failed to unmarshal the received message ";
  private static final String RANGE = "etcdserverpb.KV/Range";

  @ConformanceTest
  void unary_illegalTagZero_failsNamingTheRequestType(EtcdTarget target) {
    Map<String, String> requestTypes = Map.of(
        RANGE, "RangeRequest",
        "etcdserverpb.Lease/LeaseGrant", "LeaseGrantRequest",
        "etcdserverpb.Cluster/MemberList", "MemberListRequest",
        "etcdserverpb.Maintenance/Status", "StatusRequest",
        "etcdserverpb.Maintenance/Alarm", "AlarmRequest",
        "v3lockpb.Lock/Lock", "LockRequest",
        "v3electionpb.Election/Campaign", "CampaignRequest");
    requestTypes.forEach((method, type) -> assertFails(
        () -> RawCalls.unary(channel(target), method, "00"), Status.Code.INTERNAL,
        UNARY + "proto: " + type + ": illegal tag 0 (wire type 0)"));
  }

  @ConformanceTest
  void range_illegalTagZeroWithWireType_showsTheWholeTag(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 02",
        "proto: RangeRequest: illegal tag 0 (wire type 2)");
  }

  @ConformanceTest
  void txn_illegalTagInANestedRequest_namesTheNestedType(EtcdTarget target) {
    assertUnaryFails(target, "etcdserverpb.KV/Txn", "1a04 0a02 0000",
        "proto: RangeRequest: illegal tag 0 (wire type 0)");
  }

  @ConformanceTest
  void range_endGroupTag_failsEndGroupForNonGroup(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 0c",
        "proto: RangeRequest: wiretype end group for non-group");
  }

  @ConformanceTest
  void range_truncatedLengthDelimitedField_failsUnexpectedEof(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a05 61", "unexpected EOF");
  }

  @ConformanceTest
  void range_truncatedVarint_failsUnexpectedEof(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 18ff", "unexpected EOF");
  }

  @ConformanceTest
  void range_varintOfElevenBytes_failsIntegerOverflow(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 18ffffffffffffffffffff01", "proto: integer overflow");
  }

  @ConformanceTest
  void range_unknownFieldOfNegativeLength_failsNegativeLength(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 fa01ffffffffffffffffff01",
        "proto: negative length found during unmarshaling");
  }

  @ConformanceTest
  void range_unknownFieldOfWireTypeSix_failsIllegalWireType(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 f601", "proto: illegal wireType 6");
  }

  @ConformanceTest
  void range_unknownGroupClosedByAnotherFieldsEndTag_isSkipped(EtcdTarget target)
      throws Exception {
    // Field 30 opens a group that field 1's end tag closes: gogo's skip takes any end tag.
    RangeResponse response = RangeResponse.parseFrom(
        RawCalls.unary(channel(target), RANGE, "0a0161 f301 0c"));

    assertThat(response.getHeader().getRevision()).isPositive();
  }

  @ConformanceTest
  void range_keyAsVarint_failsWrongWireType(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0801", "proto: wrong wireType = 0 for field Key");
  }

  @ConformanceTest
  void range_sortOrderAsFixed32_failsWrongWireTypeNamingTheGoField(EtcdTarget target) {
    assertUnaryFails(target, RANGE, "0a0161 2d01020304",
        "proto: wrong wireType = 5 for field SortOrder");
  }

  @ConformanceTest
  void txn_oneofRequestAsVarint_failsWrongWireTypeNamingTheOneofField(EtcdTarget target) {
    assertUnaryFails(target, "etcdserverpb.KV/Txn", "1a02 0801",
        "proto: wrong wireType = 0 for field RequestRange");
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void watch_illegalTagZero_endsTheStreamInternal(EtcdTarget target) {
    assertStreamEnds(target, "etcdserverpb.Watch/Watch", "00",
        "proto: WatchRequest: illegal tag 0 (wire type 0)");
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void watch_createRequestAsVarint_endsTheStreamWithWrongWireType(EtcdTarget target) {
    assertStreamEnds(target, "etcdserverpb.Watch/Watch", "0801",
        "proto: wrong wireType = 0 for field CreateRequest");
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void watch_truncatedKey_endsTheStreamWithUnexpectedEof(EtcdTarget target) {
    assertStreamEnds(target, "etcdserverpb.Watch/Watch", "0a04 0a05 6162", "unexpected EOF");
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void leaseKeepAlive_idAsLengthDelimited_endsTheStreamWithWrongWireType(EtcdTarget target) {
    assertStreamEnds(target, "etcdserverpb.Lease/LeaseKeepAlive", "0a01 00",
        "proto: wrong wireType = 2 for field ID");
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void leaseKeepAlive_truncatedId_endsTheStreamWithUnexpectedEof(EtcdTarget target) {
    assertStreamEnds(target, "etcdserverpb.Lease/LeaseKeepAlive", "08ff", "unexpected EOF");
  }

  @ConformanceTest
  @Requires(Rpc.SNAPSHOT)
  void snapshot_illegalTagZero_endsTheServerStreamInternal(EtcdTarget target) {
    assertStreamEnds(target, "etcdserverpb.Maintenance/Snapshot", "00",
        "proto: SnapshotRequest: illegal tag 0 (wire type 0)");
  }

  @ConformanceTest
  void memberAdd_invalidUtf8InAPeerUrl_failsAsAnInvalidUrl(EtcdTarget target) {
    assertFails(() -> RawCalls.unary(channel(target), "etcdserverpb.Cluster/MemberAdd",
        "0a03 ff6162"), Status.Code.INVALID_ARGUMENT, "etcdserver: given member URLs are invalid");
  }

  private static void assertUnaryFails(EtcdTarget target, String method, String hex,
      String decoderError) {
    assertFails(() -> RawCalls.unary(channel(target), method, hex), Status.Code.INTERNAL,
        UNARY + decoderError);
  }

  private static void assertStreamEnds(EtcdTarget target, String method, String hex,
      String decoderError) {
    Status end = RawCalls.streamEnd(channel(target), method, hex);

    assertThat(end.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(end.getDescription()).isEqualTo(STREAM + decoderError);
  }

  private static ManagedChannel channel(EtcdTarget target) {
    return target.channels().get(0);
  }
}
