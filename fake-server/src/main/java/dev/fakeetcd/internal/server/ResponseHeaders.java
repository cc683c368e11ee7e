package dev.fakeetcd.internal.server;

import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.DeleteRangeResponse;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.ResponseHeader;
import dev.fakeetcd.api.TxnResponse;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.sim.SimMember;

/**
 * One member's response headers, as etcd's {@code header.fill}
 * ({@code etcdserver/api/v3rpc/header.go}) fills them: cluster and member ID, the member's Raft
 * term, and its store revision unless the response set one.
 */
final class ResponseHeaders {

  private final long id;
  private final Cluster cluster;

  ResponseHeaders(long id, Cluster cluster) {
    this.id = id;
    this.cluster = cluster;
  }

  ResponseHeader fill(ResponseHeader partial) {
    SimMember<EtcdStateMachine> m = cluster.sim().member(id);
    ResponseHeader.Builder h = partial.toBuilder()
        .setClusterId(cluster.sim().clusterId())
        .setMemberId(id);
    if (m.isUp()) {
      h.setRaftTerm(m.term());
      if (h.getRevision() == 0) {
        h.setRevision(m.stateMachine().store().revision());
      }
    }
    return h.build();
  }

  RangeResponse fill(RangeResponse r) {
    return r.toBuilder().setHeader(fill(r.getHeader())).build();
  }

  PutResponse fill(PutResponse r) {
    return r.toBuilder().setHeader(fill(r.getHeader())).build();
  }

  DeleteRangeResponse fill(DeleteRangeResponse r) {
    return r.toBuilder().setHeader(fill(r.getHeader())).build();
  }

  TxnResponse fill(TxnResponse r) {
    return r.toBuilder().setHeader(fill(r.getHeader())).build();
  }

  CompactionResponse fill(CompactionResponse r) {
    return r.toBuilder().setHeader(fill(r.getHeader())).build();
  }
}
