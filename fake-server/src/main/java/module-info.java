/** fake-etcd: exports the front door only; dev.fakeetcd.internal.* is not API. */
module dev.fakeetcd {
  requires transitive dev.fakeetcd.api;
  requires io.grpc.inprocess;
  requires io.grpc.netty.shaded;
  // at.favre.lib:bcrypt names no module; this is the name its jar's file name gives it.
  requires bcrypt;
  requires com.nimbusds.jose.jwt;
  requires com.google.protobuf.util;
  requires com.google.gson;
  requires io.prometheus.metrics.model;
  requires io.prometheus.writer.text;
  // LdapName reads a client certificate's common name.
  requires java.logging;
  requires java.naming;
  requires org.bouncycastle.pkix;
  requires org.bouncycastle.provider;

  exports dev.fakeetcd;
}
