/**
 * One member's multi-version key-value store, as etcd 3.4's {@code mvcc}: not API.
 *
 * <p>{@link dev.fakeetcd.internal.mvcc.MvccStore} holds the revisioned key index and serves Range,
 * Put, DeleteRange, compaction, the history watchers replay and the keys of a lease; a Txn runs
 * in {@code KvTxn}, HashKV in {@code KvHasher}, the snapshot bytes in {@code StoreCodec}. Pure
 * and deterministic; apply-time failures are {@code EtcdException}s.
 *
 * <p>May import: {@code backend} (the size of a stored revision) and {@code rpctypes}; nothing
 * else internal.
 */
package dev.fakeetcd.internal.mvcc;
