/**
 * The watch state of one member, after etcd's {@code mvcc/watchable_store.go}: the hub of
 * its watch streams fed by its applied revisions ({@link dev.fakeetcd.internal.watch.WatchHub}),
 * each watch's range, filters and progress ({@link dev.fakeetcd.internal.watch.Watcher}), and the
 * key feed the in-member client of Lock and Election watches
 * ({@link dev.fakeetcd.internal.watch.KeyFeed}). The watch stream's protocol lives in
 * {@code v3rpc}. Called under the cluster lock. Not API.
 *
 * <p>May import {@code mvcc} (the store's history), {@code rpctypes} and the generated protos.
 * What it needs of the layers above it owns as interfaces: {@code WatchHub.Stream} (implemented by
 * the watch stream) and {@code KeyFeed.Source} (implemented by the member's server).
 */
package dev.fakeetcd.internal.watch;
