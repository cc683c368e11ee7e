package dev.fakeetcd.internal.mvcc;

import static dev.fakeetcd.testing.Requests.put;
import static dev.fakeetcd.testing.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fakeetcd.api.RangeRequest.SortOrder;
import dev.fakeetcd.api.RangeRequest.SortTarget;
import dev.fakeetcd.testing.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tie order of sorted ranges beyond 12 items, where Go's sort is unstable. The expected orders
 * were observed on etcd 3.4.23 (Debian build, Go 1.19.8) after the same 54 puts.
 */
class RangeSortTest {
  private final MvccStore store = new MvccStore(lease -> true);

  RangeSortTest() {
    for (int i = 0; i < 40; i++) {
      store.put(put(String.format("s/%02d", i), "v" + (i * 7) % 4));
    }
    for (int i = 0; i < 40; i += 3) {
      store.put(put(String.format("s/%02d", i), "v" + (i * 7) % 4));
    }
  }

  private List<String> sorted(SortTarget target, SortOrder order) {
    return store.range(range("s/", "s0").setSortTarget(target).setSortOrder(order).build()).getKvsList().stream()
        .map(kv -> kv.getKey().toStringUtf8().substring(2))
        .toList();
  }

  private static List<String> split(String s) {
    return List.of(s.split(" "));
  }

  @Test
  void sort_valueAscendWithManyTiesMatchesEtcd() {
    assertThat(sorted(SortTarget.VALUE, SortOrder.ASCEND)).isEqualTo(split(
        "00 24 36 16 04 20 32 28 08 12 35 11 31 07 27 15 03 39 23 19 10 30 22 18 38 02 26 14 34 06 29 09 21 33 13 05 25 37 17 01"));
  }

  @Test
  void sort_valueDescendWithManyTiesMatchesEtcd() {
    assertThat(sorted(SortTarget.VALUE, SortOrder.DESCEND)).isEqualTo(split(
        "13 01 37 33 29 05 25 21 17 09 30 06 38 10 14 02 34 26 18 22 35 15 19 23 03 11 31 27 39 07 00 08 32 24 16 20 36 04 12 28"));
  }

  @Test
  void sort_versionAscendWithManyTiesMatchesEtcd() {
    assertThat(sorted(SortTarget.VERSION, SortOrder.ASCEND)).isEqualTo(split(
        "20 34 02 38 04 05 37 07 08 35 10 11 19 13 14 32 16 31 29 01 17 28 22 23 26 25 33 15 21 06 30 24 27 00 36 09 12 18 03 39"));
  }

  @Test
  void sort_versionDescendWithManyTiesMatchesEtcd() {
    assertThat(sorted(SortTarget.VERSION, SortOrder.DESCEND)).isEqualTo(split(
        "15 39 36 03 33 30 06 27 24 09 00 21 12 18 10 07 16 17 13 19 20 11 22 23 08 25 26 14 28 29 05 31 32 04 34 35 02 37 38 01"));
  }

  @Test
  void sort_modDescendWithoutTiesIsPlainOrder() {
    assertThat(sorted(SortTarget.MOD, SortOrder.DESCEND)).isEqualTo(split(
        "39 36 33 30 27 24 21 18 15 12 09 06 03 00 38 37 35 34 32 31 29 28 26 25 23 22 20 19 17 16 14 13 11 10 08 07 05 04 02 01"));
  }
}
