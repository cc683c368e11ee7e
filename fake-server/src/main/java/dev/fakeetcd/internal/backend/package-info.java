/**
 * What stands in for etcd's bbolt backend: not API. A model of each member's database file for
 * Status's sizes ({@link dev.fakeetcd.internal.backend.BackendFile}), the space quota and what
 * requests cost against it ({@link dev.fakeetcd.internal.backend.BackendQuota}), and the format of
 * the snapshot data Maintenance's Snapshot sends and a restore reads
 * ({@link dev.fakeetcd.internal.backend.SnapshotFormat}).
 *
 * <p>May import: {@code rpctypes}; nothing else internal.
 */
package dev.fakeetcd.internal.backend;
