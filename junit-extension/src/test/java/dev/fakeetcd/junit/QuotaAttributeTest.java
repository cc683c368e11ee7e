package dev.fakeetcd.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.VirtualClock;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

class QuotaAttributeTest {

  @EtcdTest(members = 1, seed = 1, tcp = false, clock = VirtualClock.Mode.MANUAL,
      quotaBackendBytes = 64 * 1024)
  void quotaBackendBytes_refusesAPutThatWouldPassIt(EtcdCluster cluster, ManagedChannel channel) {
    PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
        .setValue(ByteString.copyFrom(new byte[60 * 1024])).build();

    assertThat(cluster.config().quotaBackendBytes()).isEqualTo(64 * 1024);
    assertThatThrownBy(() -> KVGrpc.newBlockingStub(channel).put(put))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage("RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded");
  }
}
