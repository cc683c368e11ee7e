/**
 * etcd's {@code v3lockpb.Lock} service, after etcd's {@code server/etcdserver/api/v3lock}: a
 * mutex over a client inside the member ({@code concurrency.Mutex}). Not API.
 *
 * <p>May import the in-member client ({@code transport.InProcessClient}), {@code rpctypes} and the
 * generated protos.
 */
package dev.fakeetcd.internal.v3lock;
