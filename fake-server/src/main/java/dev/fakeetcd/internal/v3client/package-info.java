/**
 * A client inside one member, as etcd's {@code server/etcdserver/api/v3client} is: the Lock and
 * Election services issue their KV, Lease and Watch steps through it straight to the member's
 * request path, under the cluster lock, without gRPC in between. Not API.
 *
 * <p>May import server, watch, rpctypes, history (its requests are recorded as clients' calls
 * are) and the generated protos.
 */
package dev.fakeetcd.internal.v3client;
