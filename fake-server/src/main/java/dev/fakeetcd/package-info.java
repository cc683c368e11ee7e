/**
 * fake-etcd's front door, the whole of its Java API besides the generated etcd protos
 * ({@code dev.fakeetcd.api}, {@code dev.fakeetcd.api.lock}, {@code dev.fakeetcd.api.election}):
 * {@link dev.fakeetcd.FakeEtcd} starts an {@link dev.fakeetcd.EtcdCluster} from a
 * {@link dev.fakeetcd.ClusterConfig}; the cluster hands out its members, its
 * {@link dev.fakeetcd.VirtualClock}, and the fault and inspection views ({@code Network},
 * {@code ClientLinks}, {@code Leases}, {@code Alarms}). {@code api/fake-etcd-server.api} lists
 * every public member; {@code ApiListingTest} keeps it true.
 *
 * <p>Calls into {@code dev.fakeetcd.internal.*}, the implementation, which is not API.
 */
package dev.fakeetcd;
