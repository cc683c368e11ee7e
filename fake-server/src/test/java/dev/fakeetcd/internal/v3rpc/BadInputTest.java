package dev.fakeetcd.internal.v3rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.FakeEtcd;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.Compare;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.api.RequestOp;
import dev.fakeetcd.api.TxnRequest;
import dev.fakeetcd.internal.rpctypes.EtcdError;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Malformed and extreme requests, over Netty and in-process: each gets a valid response or an etcd
 * error, and the member keeps serving. Every call carries a deadline so that a hang fails the test
 * instead of stalling the build.
 */
class BadInputTest {

  private static final long DEADLINE_SECONDS = 10;
  private static final int MAX_REQUEST_BYTES = ClusterConfig.defaults().maxRequestBytes();
  private static final List<Long> EXTREMES = List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, Long.MAX_VALUE - 1,
      Long.MAX_VALUE);

  enum Transport {
    IN_PROCESS(cluster -> cluster.inProcessChannel(cluster.member(0))),
    NETTY(cluster -> {
      URI endpoint = cluster.endpoints().get(0);
      return NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort()).usePlaintext()
          .maxInboundMessageSize(4 * MAX_REQUEST_BYTES).build();
    });

    private final Function<EtcdCluster, ManagedChannel> connect;

    Transport(Function<EtcdCluster, ManagedChannel> connect) {
      this.connect = connect;
    }
  }

  /** A test body run against a fresh one-member cluster through one transport. */
  private interface Body {
    void run(KVGrpc.KVBlockingStub kv);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void put_randomBytesInKeyAndValue_storedVerbatim(Transport transport) {
    withMember(transport, kv -> {
      Random random = new Random(42);
      for (int i = 0; i < 50; i++) {
        ByteString key = randomBytes(random, 1 + random.nextInt(64));
        ByteString value = randomBytes(random, random.nextInt(256));

        kv.put(PutRequest.newBuilder().setKey(key).setValue(value).build());

        RangeResponse got = kv.range(RangeRequest.newBuilder().setKey(key).build());
        assertThat(got.getKvsList()).hasSize(1);
        assertThat(got.getKvs(0).getValue()).isEqualTo(value);
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void put_valueOverRequestLimit_rejectedAsTooLarge(Transport transport) {
    withMember(transport, kv -> {
      PutRequest huge = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
          .setValue(ByteString.copyFrom(new byte[MAX_REQUEST_BYTES + 1])).build();

      assertThatThrownBy(() -> kv.put(huge)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: request is too large");
      });
    });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void range_extremeRevisionsAndLimits_answeredOrRejectedByEtcd(Transport transport) {
    withMember(transport, kv -> {
      kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build());
      for (long extreme : EXTREMES) {
        answeredOrEtcdError(() -> kv.range(range().setRevision(extreme).build()));
        answeredOrEtcdError(() -> kv.range(range().setLimit(extreme).build()));
        answeredOrEtcdError(() -> kv.range(range().setMinModRevision(extreme).setMaxModRevision(extreme)
            .setMinCreateRevision(extreme).setMaxCreateRevision(extreme).build()));
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void writes_extremeLeasesAndRevisions_answeredOrRejectedByEtcd(Transport transport) {
    withMember(transport, kv -> {
      for (long extreme : EXTREMES) {
        answeredOrEtcdError(() -> kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
            .setLease(extreme).build()));
        answeredOrEtcdError(() -> kv.compact(CompactionRequest.newBuilder().setRevision(extreme).build()));
        answeredOrEtcdError(() -> kv.txn(TxnRequest.newBuilder()
            .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setTarget(Compare.CompareTarget.MOD).setModRevision(extreme))
            .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setTarget(Compare.CompareTarget.LEASE).setLease(extreme))
            .addSuccess(RequestOp.newBuilder().setRequestRange(range()))
            .build()));
      }
    });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void txn_nested64Levels_isApplied(Transport transport) {
    withMember(transport, kv -> {
      try {
        kv.txn(nestedPut(64));
      } catch (StatusRuntimeException e) {
        // grpc-java's client cannot parse a response nested 128 messages deep (its limit is 100);
        // what matters here is what the server did.
        assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.CANCELLED);
        assertThat(e.getCause()).hasMessageContaining("Invalid protobuf byte sequence");
      }

      assertThat(kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("deep")).build())
          .getKvsList()).singleElement().satisfies(stored -> assertThat(stored.getValue().toStringUtf8()).isEqualTo("v"));
    });
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void txn_nested400Levels_failsTooManyOperations(Transport transport) {
    withMember(transport, kv -> assertThatThrownBy(() -> kv.txn(nestedPut(400)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo(EtcdError.TOO_MANY_OPS.message());
        }));
  }

  /** {@code levels} txns, each the only op of its parent, around one put of key "deep". */
  private static TxnRequest nestedPut(int levels) {
    TxnRequest txn = TxnRequest.newBuilder()
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("deep")).setValue(ByteString.copyFromUtf8("v"))))
        .build();
    for (int level = 1; level < levels; level++) {
      txn = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(txn)).build();
    }
    return txn;
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void requests_unknownEnumNumbers_answeredOrRejectedByEtcd(Transport transport) {
    withMember(transport, kv -> {
      kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build());

      answeredOrEtcdError(() -> kv.range(range().setSortOrderValue(7).build()));
      answeredOrEtcdError(() -> kv.range(range().setSortTargetValue(9).setSortOrderValue(1).build()));
      answeredOrEtcdError(() -> kv.txn(TxnRequest.newBuilder()
          .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8("k")).setTargetValue(9))
          .build()));
      answeredOrEtcdError(() -> kv.txn(TxnRequest.newBuilder()
          .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8("k")).setResultValue(9))
          .build()));
    });
  }

  /** Runs {@code body} against a fresh member, then checks that the member still serves a put and a get. */
  private static void withMember(Transport transport, Body body) {
    try (EtcdCluster cluster = FakeEtcd.newCluster(ClusterConfig.builder().members(1).tcp(true).build())) {
      ManagedChannel channel = transport.connect.apply(cluster);
      try {
        body.run(stub(channel));

        ByteString key = ByteString.copyFromUtf8("after");
        stub(channel).put(PutRequest.newBuilder().setKey(key).setValue(key).build());
        assertThat(stub(channel).range(RangeRequest.newBuilder().setKey(key).build()).getKvs(0).getValue())
            .isEqualTo(key);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static KVGrpc.KVBlockingStub stub(ManagedChannel channel) {
    return KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private static RangeRequest.Builder range() {
    return RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"));
  }

  private static ByteString randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** A response, or a status with an etcd error; never a crash, an internal error or a timeout. */
  private static void answeredOrEtcdError(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).as("%s", e.getStatus())
          .isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL, Status.Code.DEADLINE_EXCEEDED,
              Status.Code.UNAVAILABLE, Status.Code.CANCELLED);
      assertThat(e.getStatus().getDescription()).as("%s", e.getStatus()).startsWith("etcdserver: ");
    }
  }
}
