package dev.fakeetcd.conformance.kv;

import static dev.fakeetcd.conformance.Await.await;
import static dev.fakeetcd.conformance.Failures.assertFails;
import static dev.fakeetcd.conformance.kv.Kv.FUTURE;
import static dev.fakeetcd.conformance.kv.Kv.MAX_REQUEST_BYTES;
import static dev.fakeetcd.conformance.kv.Kv.ZERO;
import static dev.fakeetcd.conformance.kv.Kv.bytes;
import static dev.fakeetcd.conformance.kv.Kv.currentRevision;
import static dev.fakeetcd.conformance.kv.Kv.everything;
import static dev.fakeetcd.conformance.kv.Kv.keys;
import static dev.fakeetcd.conformance.kv.Kv.kv;
import static dev.fakeetcd.conformance.kv.Kv.put;
import static dev.fakeetcd.conformance.kv.Kv.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.PutRequest;
import dev.fakeetcd.api.RangeRequest;
import dev.fakeetcd.api.RangeRequest.SortOrder;
import dev.fakeetcd.api.RangeRequest.SortTarget;
import dev.fakeetcd.api.RangeResponse;
import dev.fakeetcd.conformance.ConformanceTest;
import dev.fakeetcd.conformance.EtcdTarget;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;

class RangeConformanceTest {

  @ConformanceTest
  void range_emptyRangeEnd_returnsOnlyTheKey(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "ab", "2");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("a")).build());

    assertThat(keys(response)).containsExactly("a");
    assertThat(response.getCount()).isEqualTo(1);
  }

  @ConformanceTest
  void range_rangeEnd_isHalfOpen(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(
        RangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("c")).build());

    assertThat(keys(response)).containsExactly("a", "b");
  }

  @ConformanceTest
  void range_prefix_returnsKeysStartingWithIt(EtcdTarget target, Client client) {
    put(target, "p", "0");
    put(target, "p/1", "1");
    put(target, "p/2", "2");
    put(target, "q", "3");

    GetResponse response = await(client.getKVClient().get(sequence("p/"), GetOption.builder().isPrefix(true).build()));

    assertThat(response.getKvs()).extracting(kv -> kv.getKey().toString()).containsExactly("p/1", "p/2");
  }

  @ConformanceTest
  void range_prefixOfAllFfBytes_readsToTheEndOfTheKeyspace(EtcdTarget target) {
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0xfe)).build());
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0xff, 0xff)).build());
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0xff, 0xff, 0x01)).build());

    // The client convention for the prefix 0xFF 0xFF: no byte can be incremented, so range_end is \0.
    RangeResponse response = kv(target).range(
        RangeRequest.newBuilder().setKey(bytes(0xff, 0xff)).setRangeEnd(ZERO).build());

    assertThat(response.getKvsList()).extracting(kv -> kv.getKey())
        .containsExactly(bytes(0xff, 0xff), bytes(0xff, 0xff, 0x01));
  }

  @ConformanceTest
  void range_rangeEndZeroByte_returnsEveryKeyFromKey(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "z", "3");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("b")).setRangeEnd(ZERO).build());

    assertThat(keys(response)).containsExactly("b", "z");
  }

  @ConformanceTest
  void range_keyAndRangeEndZeroByte_returnsEveryKey(EtcdTarget target) {
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0x00, 0x01)).build());
    put(target, "m", "1");

    RangeResponse response = kv(target).range(everything().build());

    assertThat(response.getKvsList()).extracting(kv -> kv.getKey()).containsExactly(bytes(0x00, 0x01), bytes("m"));
  }

  @ConformanceTest
  void range_rangeEndNotAfterKey_returnsNothingWithoutError(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("b")).setRangeEnd(bytes("a")).build());

    assertThat(response.getKvsList()).isEmpty();
    assertThat(response.getCount()).isZero();
  }

  @ConformanceTest
  void range_keys_areOrderedByUnsignedBytes(EtcdTarget target) {
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0x80)).build());
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0x7f)).build());
    kv(target).put(PutRequest.newBuilder().setKey(bytes(0x01)).build());

    RangeResponse response = kv(target).range(everything().build());

    assertThat(response.getKvsList()).extracting(kv -> kv.getKey())
        .containsExactly(bytes(0x01), bytes(0x7f), bytes(0x80));
  }

  @ConformanceTest
  void range_historicalRevision_returnsOldValueWithCurrentHeaderRevision(EtcdTarget target, Client client) {
    long first = put(target, "k", "v1");
    long second = put(target, "k", "v2");

    GetResponse response = await(client.getKVClient().get(sequence("k"), GetOption.builder().withRevision(first).build()));

    assertThat(response.getKvs()).singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(sequence("v1")));
    assertThat(response.getHeader().getRevision()).isEqualTo(second);
  }

  @ConformanceTest
  void range_historicalRevisionBeforeCreation_returnsNothing(EtcdTarget target) {
    long before = put(target, "other", "x");
    put(target, "k", "v");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(before).build());

    assertThat(response.getKvsList()).isEmpty();
    assertThat(response.getCount()).isZero();
  }

  @ConformanceTest
  void range_negativeRevision_readsTheCurrentRevision(EtcdTarget target) {
    put(target, "k", "v1");
    put(target, "k", "v2");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(-1).build());

    assertThat(response.getKvsList()).singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("v2")));
  }

  @ConformanceTest
  void range_revisionAfterCurrent_failsFutureRevision(EtcdTarget target) {
    long current = put(target, "k", "v");

    assertFails(() -> kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setRevision(current + 1).build()),
        Status.Code.OUT_OF_RANGE, FUTURE);
  }

  @ConformanceTest
  void range_count_ignoresLimit(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setLimit(1).build());

    assertThat(keys(response)).containsExactly("a");
    assertThat(response.getCount()).isEqualTo(3);
  }

  @ConformanceTest
  void range_count_ignoresRevisionFilters(EtcdTarget target) {
    put(target, "a", "1");
    long second = put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setMinModRevision(second).setMaxModRevision(second).build());

    assertThat(keys(response)).containsExactly("b");
    assertThat(response.getCount()).isEqualTo(3);
  }

  @ConformanceTest
  void range_countOnly_returnsCountWithoutKvsOrMoreEvenWithLimit(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setCountOnly(true).setLimit(1).build());

    assertThat(response.getCount()).isEqualTo(3);
    assertThat(response.getKvsList()).isEmpty();
    assertThat(response.getMore()).isFalse();
  }

  @ConformanceTest
  void range_keysOnly_omitsValuesButKeepsMetadata(EtcdTarget target) {
    long revision = put(target, "k", "value");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setKeysOnly(true).build());

    assertThat(response.getKvsList()).singleElement().satisfies(kv -> {
      assertThat(kv.getKey()).isEqualTo(bytes("k"));
      assertThat(kv.getValue()).isEmpty();
      assertThat(kv.getModRevision()).isEqualTo(revision);
      assertThat(kv.getVersion()).isEqualTo(1);
    });
  }

  @ConformanceTest
  void range_limitBelowMatches_truncatesAndSetsMore(EtcdTarget target, Client client) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "c", "3");

    GetResponse response = await(client.getKVClient().get(sequence("a"),
        GetOption.builder().withRange(sequence("d")).withLimit(2).build()));

    assertThat(response.getKvs()).extracting(kv -> kv.getKey().toString()).containsExactly("a", "b");
    assertThat(response.isMore()).isTrue();
  }

  @ConformanceTest
  void range_limitEqualToMatches_leavesMoreFalse(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");

    RangeResponse response = kv(target).range(everything().setLimit(2).build());

    assertThat(keys(response)).containsExactly("a", "b");
    assertThat(response.getMore()).isFalse();
  }

  @ConformanceTest
  void range_negativeLimit_isUnlimited(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setLimit(-1).build());

    assertThat(keys(response)).containsExactly("a", "b", "c");
    assertThat(response.getMore()).isFalse();
  }

  @ConformanceTest
  void range_more_isComputedAfterRevisionFilters(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    long third = put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setLimit(1).setMinModRevision(third).build());

    assertThat(keys(response)).containsExactly("c");
    assertThat(response.getMore()).isFalse();
  }

  @ConformanceTest
  void range_minModRevision_dropsKeysModifiedBefore(EtcdTarget target) {
    put(target, "a", "1");
    long second = put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setMinModRevision(second).build());

    assertThat(keys(response)).containsExactly("b", "c");
  }

  @ConformanceTest
  void range_maxModRevision_dropsKeysModifiedAfter(EtcdTarget target) {
    put(target, "a", "1");
    long second = put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setMaxModRevision(second).build());

    assertThat(keys(response)).containsExactly("a", "b");
  }

  @ConformanceTest
  void range_minCreateRevision_dropsKeysCreatedBefore(EtcdTarget target) {
    put(target, "a", "1");
    long second = put(target, "b", "2");
    put(target, "a", "updated");

    RangeResponse response = kv(target).range(everything().setMinCreateRevision(second).build());

    assertThat(keys(response)).containsExactly("b");
  }

  @ConformanceTest
  void range_maxCreateRevision_dropsKeysCreatedAfter(EtcdTarget target) {
    long first = put(target, "b", "1");
    put(target, "a", "2");
    put(target, "b", "updated");

    RangeResponse response = kv(target).range(everything().setMaxCreateRevision(first).build());

    assertThat(keys(response)).containsExactly("b");
  }

  @ConformanceTest
  void range_sortByKeyDescend_reversesKeyOrder(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "b", "2");
    put(target, "c", "3");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.KEY).setSortOrder(SortOrder.DESCEND).build());

    assertThat(keys(response)).containsExactly("c", "b", "a");
  }

  @ConformanceTest
  void range_sortByVersionAscend_ordersByVersion(EtcdTarget target) {
    put(target, "a", "1");
    put(target, "a", "1");
    put(target, "a", "1");
    put(target, "b", "1");
    put(target, "c", "1");
    put(target, "c", "1");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.VERSION).setSortOrder(SortOrder.ASCEND).build());

    assertThat(keys(response)).containsExactly("b", "c", "a");
  }

  @ConformanceTest
  void range_sortByCreateDescend_ordersByCreateRevision(EtcdTarget target) {
    put(target, "b", "1");
    put(target, "c", "1");
    put(target, "a", "1");
    put(target, "b", "updated");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.CREATE).setSortOrder(SortOrder.DESCEND).build());

    assertThat(keys(response)).containsExactly("a", "c", "b");
  }

  @ConformanceTest
  void range_sortByModAscend_ordersByModRevision(EtcdTarget target) {
    put(target, "b", "1");
    put(target, "c", "1");
    put(target, "a", "1");
    put(target, "b", "updated");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.ASCEND).build());

    assertThat(keys(response)).containsExactly("c", "a", "b");
  }

  @ConformanceTest
  void range_sortByValueDescend_ordersByUnsignedValueBytes(EtcdTarget target) {
    kv(target).put(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes(0x7f)).build());
    kv(target).put(PutRequest.newBuilder().setKey(bytes("b")).setValue(bytes(0x80)).build());
    kv(target).put(PutRequest.newBuilder().setKey(bytes("c")).setValue(bytes(0x01)).build());

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.DESCEND).build());

    assertThat(keys(response)).containsExactly("b", "a", "c");
  }

  @ConformanceTest
  void range_sortTargetWithOrderNone_sortsAscending(EtcdTarget target) {
    put(target, "c", "1");
    put(target, "a", "1");
    put(target, "b", "1");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.NONE).build());

    assertThat(keys(response)).containsExactly("c", "a", "b");
  }

  @ConformanceTest
  void range_sortDescendWithTies_keepsAscendingKeyOrderAmongTies(EtcdTarget target) {
    put(target, "a", "same");
    put(target, "b", "same");
    put(target, "c", "same");
    put(target, "d", "top");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.VALUE).setSortOrder(SortOrder.DESCEND).build());

    assertThat(keys(response)).containsExactly("d", "a", "b", "c");
  }

  @ConformanceTest
  void range_sortTargetWithOrderNoneAndLimit_sortsOnlyTheFirstLimitPlusOneKeys(EtcdTarget target) {
    put(target, "d", "1");
    put(target, "c", "1");
    put(target, "b", "1");
    put(target, "a", "1");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.NONE).setLimit(2).build());

    // Only a, b, c are fetched (limit + 1 in key order), then sorted by mod revision: d is never seen.
    assertThat(keys(response)).containsExactly("c", "b");
    assertThat(response.getMore()).isTrue();
    assertThat(response.getCount()).isEqualTo(4);
  }

  @ConformanceTest
  void range_sortAscendWithLimit_sortsTheWholeRange(EtcdTarget target) {
    put(target, "d", "1");
    put(target, "c", "1");
    put(target, "b", "1");
    put(target, "a", "1");

    RangeResponse response = kv(target).range(everything().setSortTarget(SortTarget.MOD).setSortOrder(SortOrder.ASCEND).setLimit(2).build());

    assertThat(keys(response)).containsExactly("d", "c");
    assertThat(response.getMore()).isTrue();
  }

  @ConformanceTest
  void range_serializableOnTheWritingMember_seesTheWrite(EtcdTarget target) {
    put(target, "k", "v");

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(bytes("k")).setSerializable(true).build());

    assertThat(response.getKvsList()).singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("v")));
  }

  @ConformanceTest
  void range_keyLargerThanRequestLimit_isServed(EtcdTarget target) {
    long current = currentRevision(target);
    ByteString hugeKey = ByteString.copyFrom(new byte[MAX_REQUEST_BYTES + 1024]);

    RangeResponse response = kv(target).range(RangeRequest.newBuilder().setKey(hugeKey).build());

    assertThat(response.getKvsList()).isEmpty();
    assertThat(response.getHeader().getRevision()).isEqualTo(current);
  }
}
