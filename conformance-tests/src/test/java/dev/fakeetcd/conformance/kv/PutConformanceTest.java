package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.kv.Kv.KEY_NOT_FOUND;
import static dev.fakeetcd.conformance.kv.Kv.LEASE_NOT_FOUND;
import static dev.fakeetcd.conformance.kv.Kv.MAX_REQUEST_BYTES;
import static dev.fakeetcd.conformance.kv.Kv.TOO_LARGE;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.grantLease;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.putRequest;
import static dev.fakeetcd.conformance.kv.Kv.revokeLease;
import static dev.fakeetcd.conformance.kv.Kv.sequence;
import static dev.fakeetcd.conformance.kv.Kv.single;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KeyValue;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.PutResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.Requires;
import dev.fakeetcd.conformance.Rpc;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

class PutConformanceTest {

  @ConformanceTest
  void put_newKey_createsVersionOneAtNextRevision(EtcdTarget target) {
    long before = currentRevision(target);

    long revision = put(target, "k", "v");

    assertThat(revision).isEqualTo(before + 1);
    KeyValue stored = single(target, "k");
    assertThat(stored.getValue()).isEqualTo(bytes("v"));
    assertThat(stored.getCreateRevision()).isEqualTo(revision);
    assertThat(stored.getModRevision()).isEqualTo(revision);
    assertThat(stored.getVersion()).isEqualTo(1);
    assertThat(stored.getLease()).isZero();
  }

  @ConformanceTest
  void put_sameValue_isAFullWrite(EtcdTarget target) {
    long first = put(target, "k", "same");

    long second = put(target, "k", "same");

    assertThat(second).isEqualTo(first + 1);
    KeyValue stored = single(target, "k");
    assertThat(stored.getModRevision()).isEqualTo(second);
    assertThat(stored.getCreateRevision()).isEqualTo(first);
    assertThat(stored.getVersion()).isEqualTo(2);
  }

  @ConformanceTest
  @Requires(Rpc.WATCH)
  void put_sameValue_emitsAWatchEvent(EtcdTarget target, Client client) {
    long first = put(target, "k", "same");
    long second = put(target, "k", "same");
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<List<WatchEvent>> both = new CompletableFuture<>();

    try (var watcher = client.getWatchClient().watch(sequence("k"),
        WatchOption.builder().withRevision(first).build(), response -> {
          events.addAll(response.getEvents());
          if (events.size() >= 2) {
            both.complete(List.copyOf(events));
          }
        })) {
      assertThat(await(both)).extracting(event -> event.getKeyValue().getModRevision())
          .containsExactly(first, second);
    }
  }

  @ConformanceTest
  void put_prevKvOnExistingKey_returnsThePreviousKeyValue(EtcdTarget target) {
    long first = put(target, "k", "old");

    PutResponse response = kv(target).put(putRequest("k", "new").toBuilder().setPrevKv(true).build());

    assertThat(response.hasPrevKv()).isTrue();
    assertThat(response.getPrevKv().getKey()).isEqualTo(bytes("k"));
    assertThat(response.getPrevKv().getValue()).isEqualTo(bytes("old"));
    assertThat(response.getPrevKv().getModRevision()).isEqualTo(first);
    assertThat(response.getPrevKv().getVersion()).isEqualTo(1);
  }

  @ConformanceTest
  void put_prevKvOnNewKey_omitsPrevKv(EtcdTarget target) {
    PutResponse response = kv(target).put(putRequest("k", "v").toBuilder().setPrevKv(true).build());

    assertThat(response.hasPrevKv()).isFalse();
  }

  @ConformanceTest
  void put_withoutPrevKvOnExistingKey_omitsPrevKv(EtcdTarget target) {
    put(target, "k", "old");

    PutResponse response = kv(target).put(putRequest("k", "new"));

    assertThat(response.hasPrevKv()).isFalse();
  }

  @ConformanceTest
  void put_ignoreValue_keepsStoredValueAndStillWrites(EtcdTarget target) {
    long first = put(target, "k", "kept");

    long second = kv(target).put(PutRequest.newBuilder().setKey(bytes("k")).setIgnoreValue(true).build())
        .getHeader().getRevision();

    assertThat(second).isEqualTo(first + 1);
    KeyValue stored = single(target, "k");
    assertThat(stored.getValue()).isEqualTo(bytes("kept"));
    assertThat(stored.getVersion()).isEqualTo(2);
    assertThat(stored.getModRevision()).isEqualTo(second);
  }

  @ConformanceTest
  void put_ignoreValueOnMissingKey_failsKeyNotFound(EtcdTarget target) {
    PutRequest request = PutRequest.newBuilder().setKey(bytes("missing")).setIgnoreValue(true).build();

    assertFails(() -> kv(target).put(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void put_ignoreLease_keepsAttachedLease(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    try {
      kv(target).put(putRequest("k", "v1").toBuilder().setLease(lease).build());

      kv(target).put(putRequest("k", "v2").toBuilder().setIgnoreLease(true).build());

      KeyValue stored = single(target, "k");
      assertThat(stored.getLease()).isEqualTo(lease);
      assertThat(stored.getValue()).isEqualTo(bytes("v2"));
    } finally {
      revokeLease(client, lease);
    }
  }

  @ConformanceTest
  void put_ignoreLeaseOnMissingKey_failsKeyNotFound(EtcdTarget target) {
    PutRequest request = PutRequest.newBuilder().setKey(bytes("missing")).setValue(bytes("v"))
        .setIgnoreLease(true).build();

    assertFails(() -> kv(target).put(request), Status.Code.INVALID_ARGUMENT, KEY_NOT_FOUND);
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void put_unknownLease_failsLeaseNotFound(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    revokeLease(client, lease);
    PutRequest request = putRequest("k", "v").toBuilder().setLease(lease).build();

    assertFails(() -> kv(target).put(request), Status.Code.NOT_FOUND, LEASE_NOT_FOUND);
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void put_withLease_attachesTheLease(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    try {
      await(client.getKVClient().put(sequence("k"), sequence("v"), PutOption.builder().withLeaseId(lease).build()));

      assertThat(single(target, "k").getLease()).isEqualTo(lease);
    } finally {
      revokeLease(client, lease);
    }
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void put_withoutLeaseOnLeasedKey_detachesTheLease(EtcdTarget target, Client client) {
    long lease = grantLease(client);
    try {
      kv(target).put(putRequest("k", "v1").toBuilder().setLease(lease).build());

      put(target, "k", "v2");

      assertThat(single(target, "k").getLease()).isZero();
    } finally {
      revokeLease(client, lease);
    }
  }

  @ConformanceTest
  @Requires(Rpc.LEASE)
  void put_otherLeaseOnLeasedKey_movesTheKey(EtcdTarget target, Client client) {
    long first = grantLease(client);
    long second = grantLease(client);
    try {
      kv(target).put(putRequest("k", "v1").toBuilder().setLease(first).build());
      kv(target).put(putRequest("k", "v2").toBuilder().setLease(second).build());

      revokeLease(client, first);

      assertThat(single(target, "k").getLease()).isEqualTo(second);
    } finally {
      revokeLease(client, second);
    }
  }

  @ConformanceTest
  void put_valueOneKibibyteUnderRequestLimit_succeeds(EtcdTarget target) {
    ByteString value = ByteString.copyFrom(new byte[MAX_REQUEST_BYTES - 1024]);

    long revision = kv(target).put(PutRequest.newBuilder().setKey(bytes("size")).setValue(value).build())
        .getHeader().getRevision();

    assertThat(single(target, "size").getValue().size()).isEqualTo(value.size());
    assertThat(single(target, "size").getModRevision()).isEqualTo(revision);
  }

  @ConformanceTest
  void put_valueOfRequestLimit_failsRequestTooLarge(EtcdTarget target) {
    PutRequest request = PutRequest.newBuilder().setKey(bytes("size"))
        .setValue(ByteString.copyFrom(new byte[MAX_REQUEST_BYTES])).build();

    assertFails(() -> kv(target).put(request), Status.Code.INVALID_ARGUMENT, TOO_LARGE);
  }

  @ConformanceTest
  void put_messageOverGrpcReceiveLimit_failsResourceExhausted(EtcdTarget target) {
    PutRequest request = PutRequest.newBuilder().setKey(bytes("size"))
        .setValue(ByteString.copyFrom(new byte[2 * 1024 * 1024])).build();

    assertFails(() -> kv(target).put(request), Status.Code.RESOURCE_EXHAUSTED,
        "grpc: received message larger than max (" + request.getSerializedSize() + " vs. 2097152)");
  }
}
