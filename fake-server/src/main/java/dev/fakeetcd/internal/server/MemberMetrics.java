package dev.fakeetcd.internal.server;

/**
 * One member's figures behind etcd's {@code /metrics}, read at one instant.
 *
 * @param hasLeader {@code etcd_server_has_leader}
 * @param leaderChanges {@code etcd_server_leader_changes_seen_total}
 * @param committed {@code etcd_server_proposals_committed_total}: the Raft commit index
 * @param applied {@code etcd_server_proposals_applied_total}: the applied index
 * @param pending {@code etcd_server_proposals_pending}
 * @param failed {@code etcd_server_proposals_failed_total}
 * @param dbSize {@code etcd_mvcc_db_total_size_in_bytes} (Status's dbSize)
 * @param dbSizeInUse {@code etcd_mvcc_db_total_size_in_use_in_bytes} (Status's dbSizeInUse)
 * @param keys {@code etcd_debugging_mvcc_keys_total}
 */
public record MemberMetrics(boolean hasLeader, long leaderChanges, long committed, long applied,
    long pending, long failed, long dbSize, long dbSizeInUse, long keys) {
}
