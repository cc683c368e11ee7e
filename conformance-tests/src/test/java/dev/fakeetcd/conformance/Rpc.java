package dev.fakeetcd.conformance;

/** gRPC services and methods a conformance test may need beyond KV; see {@link Requires}. */
public enum Rpc {
  LEASE("etcdserverpb.Lease"),
  WATCH("etcdserverpb.Watch"),
  ALARM("etcdserverpb.Maintenance/Alarm"),
  HASH_KV("etcdserverpb.Maintenance/HashKV"),
  SNAPSHOT("etcdserverpb.Maintenance/Snapshot");

  private final String fullName;

  Rpc(String fullName) {
    this.fullName = fullName;
  }

  String fullName() {
    return fullName;
  }
}
