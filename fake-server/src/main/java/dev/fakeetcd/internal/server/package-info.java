/**
 * The cluster and each member's request path, as etcd's {@code server/etcdserver} serves it. Not
 * API.
 *
 * <p>The cluster: {@link dev.fakeetcd.internal.server.Cluster} sets it up and is the facade the
 * front door and the services call; {@link dev.fakeetcd.internal.server.ClusterLock} is the cluster
 * lock and how calls go through it (settling, arrivals, replies outside the lock). Per member
 * ({@link dev.fakeetcd.internal.server.MemberServer}, etcd's {@code EtcdServer}): the KV facade and
 * quota; proposals and their timeouts ({@code Proposals}); linearizable reads through ReadIndex
 * ({@code ReadLoop}); {@link dev.fakeetcd.internal.server.Maintenance}; what each applied entry
 * does ({@code ApplyFanOut}); response headers ({@code ResponseHeaders}); lease requests
 * ({@link dev.fakeetcd.internal.server.MemberLeases}) and membership changes
 * ({@link dev.fakeetcd.internal.server.Membership}) through Raft. Also the auto-compactor, and
 * starting the wall-clock driver in WALL_CLOCK mode.
 *
 * <p>{@code KvValidator} is etcd's request-time KV validation ({@code etcdserver/api/v3rpc/key.go}):
 * here the member's KV facade applies it, so every client path (gRPC services and the in-process
 * client of Lock and Election) meets the same checks.
 *
 * <p>May import apply, watch, lease, membership, mvcc, backend, rpctypes, wallclock, sim and raft. What serves
 * the clients is the transport's: the cluster acts on it through
 * {@link dev.fakeetcd.internal.server.ClientEndpoints}, which the transport implements.
 */
package dev.fakeetcd.internal.server;
