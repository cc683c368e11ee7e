/** fake-etcd: exports the front door only; dev.fakeetcd.internal.* is not API. */
module dev.fakeetcd {
  requires transitive dev.fakeetcd.api;
  requires io.grpc.inprocess;
  requires io.grpc.netty.shaded;

  exports dev.fakeetcd;
}
