package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.putOp;
import static dev.fakeetcd.conformance.kv.Kv.putRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.DeleteRangeRequest;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.Member;
import dev.fakeetcd.api.MemberListRequest;
import dev.fakeetcd.api.MemberListResponse;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Top-level KV response headers: cluster_id, the serving member's member_id, raft_term. */
class KvHeaderConformanceTest {

  @ConformanceTest
  void put_header_namesTheClusterAndTheServingMember(EtcdTarget target) {
    assertHeadersOnEveryMember(target, stub -> stub.put(putRequest("k", "v")).getHeader());
  }

  @ConformanceTest
  void range_header_namesTheClusterAndTheServingMember(EtcdTarget target) {
    assertHeadersOnEveryMember(target, stub -> stub.range(RangeRequest.newBuilder().setKey(bytes("k")).build()).getHeader());
  }

  @ConformanceTest
  void deleteRange_header_namesTheClusterAndTheServingMember(EtcdTarget target) {
    assertHeadersOnEveryMember(target,
        stub -> stub.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k")).build()).getHeader());
  }

  @ConformanceTest
  void txn_header_namesTheClusterAndTheServingMember(EtcdTarget target) {
    assertHeadersOnEveryMember(target, stub -> stub.txn(TxnRequest.newBuilder().addSuccess(putOp("k", "v")).build()).getHeader());
  }

  @ConformanceTest
  void compact_header_namesTheClusterAndTheServingMember(EtcdTarget target) {
    assertHeadersOnEveryMember(target, stub -> {
      long current = stub.put(putRequest("k", "v")).getHeader().getRevision();
      return stub.compact(CompactionRequest.newBuilder().setRevision(current).build()).getHeader();
    });
  }

  @ConformanceTest
  void range_headerRevision_isTheSameOnEveryMember(EtcdTarget target) {
    long written = put(target, "k", "v");

    for (int member = 0; member < target.memberCount(); member++) {
      assertThat(kv(target, member).range(RangeRequest.newBuilder().setKey(bytes("k")).build()).getHeader().getRevision())
          .as("member %d", member).isEqualTo(written);
    }
  }

  private static void assertHeadersOnEveryMember(EtcdTarget target, Function<KVGrpc.KVBlockingStub, ResponseHeader> call) {
    MemberListResponse members = ClusterGrpc.newBlockingStub(target.channels().get(0))
        .withDeadlineAfter(30, TimeUnit.SECONDS).memberList(MemberListRequest.getDefaultInstance());
    for (int member = 0; member < target.memberCount(); member++) {
      ResponseHeader header = call.apply(kv(target, member));

      assertThat(header.getClusterId()).as("cluster_id from member %d", member)
          .isNotZero().isEqualTo(members.getHeader().getClusterId());
      assertThat(header.getMemberId()).as("member_id from member %d", member)
          .isEqualTo(memberServing(members, target.endpoints().get(member)).getID());
      assertThat(header.getRaftTerm()).as("raft_term from member %d", member).isPositive();
      assertThat(header.getRevision()).as("revision from member %d", member).isPositive();
    }
  }

  /** The member that lists {@code endpoint} among its client URLs. */
  private static Member memberServing(MemberListResponse members, URI endpoint) {
    return members.getMembersList().stream()
        .filter(member -> member.getClientURLsList().stream().map(URI::create).anyMatch(url ->
            url.getHost().equals(endpoint.getHost()) && url.getPort() == endpoint.getPort()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no member lists client URL " + endpoint + ": " + members));
  }
}
