/** etcd's v3 gRPC API as protoc and grpc-java generate it from src/main/proto. */
module dev.fakeetcd.api {
  requires transitive com.google.common;
  requires transitive com.google.protobuf;
  requires transitive io.grpc;
  requires transitive io.grpc.protobuf;
  requires transitive io.grpc.stub;

  exports dev.fakeetcd.api;
  exports dev.fakeetcd.api.election;
  exports dev.fakeetcd.api.lock;
}
