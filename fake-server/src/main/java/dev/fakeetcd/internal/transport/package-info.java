/**
 * What serves each member's clients. Not API.
 *
 * <p>{@link dev.fakeetcd.internal.transport.MemberEndpoints} starts a cluster and, per member,
 * wires the gRPC services to its request path behind etcd's interceptors, on an in-process name
 * and, if asked, a 127.0.0.1 port; it implements the server's
 * {@link dev.fakeetcd.internal.server.ClientEndpoints}, so that crashes, restarts and dropped
 * connections reach the servers. Also here: the interceptors (has-leader, learner, grpc-go's
 * receive checks, call trace, arrivals), grpc-go's answer to unknown methods, client-link faults
 * and the open calls they track, the watchdog for calls stuck on a MANUAL clock, and
 * {@link dev.fakeetcd.internal.transport.QuietLogging}, which keeps a run without a logging setup
 * free of SLF4J's and grpc's start-up chatter.
 *
 * <p>Each TCP port is etcd's client port for gRPC and HTTP/1.1 alike, in plaintext or TLS:
 * {@link dev.fakeetcd.internal.transport.ClientPort} splits connections by their first bytes.
 *
 * <p>May import http, v3rpc, v3lock, v3election, v3client, server, wallclock and what those may
 * import.
 */
package dev.fakeetcd.internal.transport;
