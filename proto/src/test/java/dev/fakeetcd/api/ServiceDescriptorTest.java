package dev.fakeetcd.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import dev.fakeetcd.api.election.ElectionGrpc;
import dev.fakeetcd.api.lock.LockGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The gRPC surface: every method etcd 3.5/3.6 serves, under etcd's own names, and nothing else. */
final class ServiceDescriptorTest {

  /** Written out from etcd v3.6's rpc.proto, v3lock.proto and v3election.proto. */
  private static final List<String> ETCD_METHODS = List.of(
      "etcdserverpb.KV/Range",
      "etcdserverpb.KV/Put",
      "etcdserverpb.KV/DeleteRange",
      "etcdserverpb.KV/Txn",
      "etcdserverpb.KV/Compact",
      "etcdserverpb.Watch/Watch",
      "etcdserverpb.Lease/LeaseGrant",
      "etcdserverpb.Lease/LeaseRevoke",
      "etcdserverpb.Lease/LeaseKeepAlive",
      "etcdserverpb.Lease/LeaseTimeToLive",
      "etcdserverpb.Lease/LeaseLeases",
      "etcdserverpb.Cluster/MemberAdd",
      "etcdserverpb.Cluster/MemberRemove",
      "etcdserverpb.Cluster/MemberUpdate",
      "etcdserverpb.Cluster/MemberList",
      "etcdserverpb.Cluster/MemberPromote",
      "etcdserverpb.Maintenance/Alarm",
      "etcdserverpb.Maintenance/Status",
      "etcdserverpb.Maintenance/Defragment",
      "etcdserverpb.Maintenance/Hash",
      "etcdserverpb.Maintenance/HashKV",
      "etcdserverpb.Maintenance/Snapshot",
      "etcdserverpb.Maintenance/MoveLeader",
      "etcdserverpb.Maintenance/Downgrade",
      "etcdserverpb.Auth/AuthEnable",
      "etcdserverpb.Auth/AuthDisable",
      "etcdserverpb.Auth/AuthStatus",
      "etcdserverpb.Auth/Authenticate",
      "etcdserverpb.Auth/UserAdd",
      "etcdserverpb.Auth/UserGet",
      "etcdserverpb.Auth/UserList",
      "etcdserverpb.Auth/UserDelete",
      "etcdserverpb.Auth/UserChangePassword",
      "etcdserverpb.Auth/UserGrantRole",
      "etcdserverpb.Auth/UserRevokeRole",
      "etcdserverpb.Auth/RoleAdd",
      "etcdserverpb.Auth/RoleGet",
      "etcdserverpb.Auth/RoleList",
      "etcdserverpb.Auth/RoleDelete",
      "etcdserverpb.Auth/RoleGrantPermission",
      "etcdserverpb.Auth/RoleRevokePermission",
      "v3lockpb.Lock/Lock",
      "v3lockpb.Lock/Unlock",
      "v3electionpb.Election/Campaign",
      "v3electionpb.Election/Proclaim",
      "v3electionpb.Election/Leader",
      "v3electionpb.Election/Observe",
      "v3electionpb.Election/Resign");

  private static final Map<String, MethodType> ETCD_STREAMING_METHODS = Map.of(
      "etcdserverpb.Watch/Watch", MethodType.BIDI_STREAMING,
      "etcdserverpb.Lease/LeaseKeepAlive", MethodType.BIDI_STREAMING,
      "etcdserverpb.Maintenance/Snapshot", MethodType.SERVER_STREAMING,
      "v3electionpb.Election/Observe", MethodType.SERVER_STREAMING);

  private static List<ServiceDescriptor> ourServices() {
    return List.of(
        KVGrpc.getServiceDescriptor(),
        WatchGrpc.getServiceDescriptor(),
        LeaseGrpc.getServiceDescriptor(),
        ClusterGrpc.getServiceDescriptor(),
        MaintenanceGrpc.getServiceDescriptor(),
        AuthGrpc.getServiceDescriptor(),
        LockGrpc.getServiceDescriptor(),
        ElectionGrpc.getServiceDescriptor());
  }

  private static List<ServiceDescriptor> jetcdServices() {
    return List.of(
        io.etcd.jetcd.api.KVGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.WatchGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.LeaseGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.ClusterGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.MaintenanceGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.AuthGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.lock.LockGrpc.getServiceDescriptor(),
        io.etcd.jetcd.api.ElectionGrpc.getServiceDescriptor());
  }

  private static Map<String, MethodDescriptor<?, ?>> methodsByName(List<ServiceDescriptor> services) {
    Map<String, MethodDescriptor<?, ?>> methods = new TreeMap<>();
    services.forEach(s -> s.getMethods().forEach(m -> methods.put(m.getFullMethodName(), m)));
    return methods;
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> result = new TreeSet<>(a);
    result.removeAll(b);
    return result;
  }

  @Test
  void methodNames_areExactlyEtcdsMethods() {
    assertThat(methodsByName(ourServices()).keySet()).containsExactlyInAnyOrderElementsOf(ETCD_METHODS);
  }

  @Test
  void methodTypes_streamOnlyWhereEtcdStreams() {
    Map<String, MethodType> expected = new TreeMap<>();
    ETCD_METHODS.forEach(name -> expected.put(name, MethodType.UNARY));
    expected.putAll(ETCD_STREAMING_METHODS);

    Map<String, MethodType> actual = new TreeMap<>();
    methodsByName(ourServices()).forEach((name, m) -> actual.put(name, m.getType()));

    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void jetcdServices_lackOnlyLeaseLeasesDowngradeAndAuthStatus() {
    // jetcd 0.8.7's protos predate these etcd RPCs (LeaseLeases 3.3, Downgrade 3.5, AuthStatus 3.5).
    assertThat(difference(methodsByName(ourServices()).keySet(), methodsByName(jetcdServices()).keySet()))
        .containsExactly(
            "etcdserverpb.Auth/AuthStatus",
            "etcdserverpb.Lease/LeaseLeases",
            "etcdserverpb.Maintenance/Downgrade");
  }

  @Test
  void jetcdServices_declareWatchProgressWhichEtcdNeverServed() {
    // jetcd declares a unary Watch/Progress that no etcd release has; jetcd-core asks for progress
    // through WatchRequest.progress_request on the Watch stream instead, so etcd's list stands.
    assertThat(difference(methodsByName(jetcdServices()).keySet(), methodsByName(ourServices()).keySet()))
        .containsExactly("etcdserverpb.Watch/Progress");
  }

  @Test
  void sharedMethods_haveJetcdsTypesAndMessages() {
    Map<String, MethodDescriptor<?, ?>> ours = methodsByName(ourServices());
    Map<String, MethodDescriptor<?, ?>> theirs = methodsByName(jetcdServices());
    Set<String> shared = new TreeSet<>(ours.keySet());
    shared.retainAll(theirs.keySet());

    assertThat(shared).hasSize(ETCD_METHODS.size() - 3);
    assertThat(shared.stream().map(name -> signature(ours.get(name))).toList())
        .isEqualTo(shared.stream().map(name -> signature(theirs.get(name))).toList());
  }

  /** Name, call type and request/response message names: what must agree for a call to interoperate. */
  private static String signature(MethodDescriptor<?, ?> method) {
    Descriptors.MethodDescriptor proto =
        ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor();
    return Stream.of(
            method.getFullMethodName(),
            method.getType().name(),
            proto.getInputType().getFullName(),
            proto.getOutputType().getFullName())
        .collect(Collectors.joining(" "));
  }
}
