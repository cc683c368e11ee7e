/**
 * Cluster membership state, as etcd's {@code server/etcdserver/api/membership} keeps it: each
 * member's applied member list ({@link dev.fakeetcd.internal.membership.MemberList}) and the
 * cluster version with the Downgrade rules ({@link dev.fakeetcd.internal.membership.Downgrade}).
 * The membership requests through Raft are the server's. Not API.
 *
 * <p>May import rpctypes, raft's configuration changes ({@code raft.raftpb}) and the generated
 * protos only.
 */
package dev.fakeetcd.internal.membership;
