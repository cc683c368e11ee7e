/**
 * etcd's gRPC API of one member, after etcd's {@code server/etcdserver/api/v3rpc}: the KV,
 * Watch, Lease, Cluster and Maintenance services, the streams they serve (watch, lease
 * keep-alive, snapshot) and KV request validation. Services translate protos to the member's
 * request path and back; every stream sends through an {@link dev.fakeetcd.internal.v3rpc.Outbox},
 * in order and never under the cluster lock. Not API.
 *
 * <p>May import {@code server} (the member's request path), the stores it reads for streams
 * ({@code watch}, {@code lease}, {@code mvcc}, {@code backend}), {@code sim} (the clock),
 * {@code rpctypes} and the generated protos; never {@code transport} or the front door.
 */
package dev.fakeetcd.internal.v3rpc;
