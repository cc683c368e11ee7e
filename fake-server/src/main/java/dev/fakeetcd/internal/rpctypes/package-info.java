/**
 * etcd's error catalogue and request decoding, shared by every layer, as etcd's
 * {@code api/v3rpc/rpctypes}: not API. {@link dev.fakeetcd.internal.rpctypes.EtcdError} holds each
 * error's gRPC code and exact message, {@link dev.fakeetcd.internal.rpctypes.EtcdException}
 * carries one below the gRPC layer, {@link dev.fakeetcd.internal.rpctypes.DeepParsing} parses
 * requests as deeply nested as etcd accepts.
 *
 * <p>May be imported by every package except {@code sim} and {@code raft}; imports nothing
 * internal.
 */
package dev.fakeetcd.internal.rpctypes;
