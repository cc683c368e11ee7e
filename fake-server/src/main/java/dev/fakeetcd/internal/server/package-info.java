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
 * ({@link dev.fakeetcd.internal.server.Membership}) through Raft. Also the auto-compactor and the
 * wall-clock driver.
 *
 * <p>May import apply, watch, lease, membership, mvcc, backend, rpctypes, sim and raft (and, until
 * request validation moves below it, v3rpc's {@code KvValidator}). What serves the clients is the
 * transport's: the cluster acts on it through
 * {@link dev.fakeetcd.internal.server.ClientEndpoints}, which the transport implements.
 */
package dev.fakeetcd.internal.server;
