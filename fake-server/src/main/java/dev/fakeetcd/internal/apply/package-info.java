/**
 * The state machine of one member, as etcd 3.4's {@code etcdserver/apply.go}: not API.
 *
 * <p>{@link dev.fakeetcd.internal.apply.EtcdStateMachine} is what Raft applies committed entries
 * to: it decodes each {@link dev.fakeetcd.internal.apply.RaftRequest} and hands it to a chain of
 * appliers (alarm refusals, then the space quota, then the stores; auth will be one more link),
 * takes and restores snapshots, and tells the member's request path of every outcome through
 * {@link dev.fakeetcd.internal.apply.EtcdStateMachine.ApplyListener}, which that path implements.
 * Also owns the applied alarms ({@link dev.fakeetcd.internal.apply.AlarmStore}).
 *
 * <p>May import: {@code mvcc}, {@code lease}, {@code membership}, {@code backend},
 * {@code rpctypes}, {@code sim} (the {@code StateMachine} it implements) and {@code raft.raftpb};
 * never {@code server}, {@code v3rpc} or anything above.
 */
package dev.fakeetcd.internal.apply;
