/**
 * The simulation under the etcd server: a cluster of Raft members
 * ({@link dev.fakeetcd.internal.sim.SimCluster}, {@link dev.fakeetcd.internal.sim.SimMember}: a
 * RaftNode, its disk and its {@link dev.fakeetcd.internal.sim.StateMachine}), the network between
 * them ({@link dev.fakeetcd.internal.sim.SimNetwork}: partitions, loss, latency, duplication; it
 * also carries the server's own {@link dev.fakeetcd.internal.sim.PeerMessage}s), one
 * virtual clock that is also the cluster lock ({@link dev.fakeetcd.internal.sim.SimClock}), the
 * {@link dev.fakeetcd.internal.sim.Trace} of what happened, and the Raft safety checker. Everything
 * is drawn from one seed, so a run repeats event for event. Data enters the log one way only,
 * {@link dev.fakeetcd.internal.sim.SimMember#propose}, which forwards to the leader as etcd does.
 *
 * <p>Not API. May import {@code dev.fakeetcd.internal.raft} (and its {@code raftpb},
 * {@code tracker}) and the JDK; of the front door only {@code dev.fakeetcd.VirtualClock.Mode}, the
 * clock mode it is configured with. The etcd server above implements
 * {@link dev.fakeetcd.internal.sim.StateMachine}.
 */
package dev.fakeetcd.internal.sim;
