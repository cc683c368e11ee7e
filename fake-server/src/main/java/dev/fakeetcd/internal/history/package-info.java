/**
 * What clients did to a cluster and what they saw: every gRPC call a member served (its request,
 * when it was invoked and completed, its outcome) and every watch stream's messages, in one global
 * order ({@link dev.fakeetcd.internal.history.HistoryLog}); and the checks that read it:
 * linearizability of the key-value operations, etcd's watch guarantees, sequential consistency of
 * serializable reads; and the HTML timeline of a run.
 *
 * <p>Not API. May import {@code sim} (the trace the timeline draws members from), the generated
 * protos and grpc-api; nothing else of the server.
 */
package dev.fakeetcd.internal.history;
