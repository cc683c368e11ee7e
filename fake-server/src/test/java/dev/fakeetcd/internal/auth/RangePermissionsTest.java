package dev.fakeetcd.internal.auth;

import static dev.fakeetcd.api.Permission.Type.READ;
import static dev.fakeetcd.api.Permission.Type.READWRITE;
import static dev.fakeetcd.api.Permission.Type.WRITE;
import static dev.fakeetcd.internal.auth.AuthRequests.bs;
import static dev.fakeetcd.internal.auth.AuthRequests.perm;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.Permission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Key permission coverage as etcd 3.4's range permission cache answers it. */
class RangePermissionsTest {

  private static final ByteString ALONE = ByteString.EMPTY;
  private static final ByteString OPEN = bs("\0");

  private static RangePermissions of(Permission... perms) {
    RangePermissions merged = new RangePermissions();
    for (Permission p : perms) {
      merged.add(p);
    }
    return merged;
  }

  private static boolean reads(RangePermissions perms, String key, String rangeEnd) {
    return perms.permits(bs(key), bs(rangeEnd), false);
  }

  @Test
  void permits_nothingGranted_deniesAll() {
    assertThat(reads(of(), "a", "")).isFalse();
  }

  @Test
  void permits_singleKeyGrant_coversThatKey() {
    RangePermissions perms = of(perm(READ, "a", ""));

    assertThat(reads(perms, "a", "")).isTrue();
    assertThat(reads(perms, "a", "a\0")).isTrue();
  }

  @Test
  void permits_singleKeyGrant_coversNoOtherKey() {
    RangePermissions perms = of(perm(READ, "a", ""));

    assertThat(reads(perms, "a\0", "")).isFalse();
    assertThat(reads(perms, "ab", "")).isFalse();
    assertThat(reads(perms, "a", "b")).isFalse();
  }

  @Test
  void permits_rangeGrant_coversKeysAndRangesInside() {
    RangePermissions perms = of(perm(READ, "a", "c"));

    assertThat(reads(perms, "b", "")).isTrue();
    assertThat(reads(perms, "a", "c")).isTrue();
    assertThat(reads(perms, "bz", "c")).isTrue();
  }

  @Test
  void permits_rangeGrant_excludesItsEnd() {
    RangePermissions perms = of(perm(READ, "a", "c"));

    assertThat(reads(perms, "c", "")).isFalse();
    assertThat(reads(perms, "a", "c\0")).isFalse();
  }

  @Test
  void permits_adjacentGrants_coverTheirUnion() {
    assertThat(reads(of(perm(READ, "a", "b"), perm(READ, "b", "c")), "a", "c")).isTrue();
  }

  @Test
  void permits_overlappingGrantsOfTwoTypes_coverTheirUnion() {
    assertThat(reads(of(perm(READWRITE, "b", "d"), perm(READ, "a", "c")), "a", "d")).isTrue();
  }

  @Test
  void permits_gapBetweenGrants_denies() {
    assertThat(reads(of(perm(READ, "a", "b"), perm(READ, "b\0", "c")), "a", "c")).isFalse();
  }

  @Test
  void permits_openEndedGrant_coversEverythingFromItsKey() {
    RangePermissions perms = of(perm(READ, "k", "\0"));

    assertThat(reads(perms, "k", "\0")).isTrue();
    assertThat(reads(perms, "z", "\0")).isTrue();
    assertThat(reads(perms, "\u00ff\u00ff", "")).isTrue();
  }

  @Test
  void permits_openEndedGrant_coversNothingBeforeItsKey() {
    assertThat(reads(of(perm(READ, "k", "\0")), "j", "\0")).isFalse();
  }

  @Test
  void permits_openEndedRequest_needsAnOpenEndedGrant() {
    assertThat(reads(of(perm(READ, "a", "\u00ff\u00ff")), "a", "\0")).isFalse();
  }

  @Test
  void permits_bytesCompareUnsigned() {
    // U+00E9 is C3 A9 in UTF-8: inside [b, \u00ff) only when bytes compare unsigned
    assertThat(reads(of(perm(READ, "b", "\u00ff")), "\u00e9", "")).isTrue();
  }

  @Test
  void permits_readGrant_allowsNoWrite() {
    assertThat(of(perm(READ, "a", "")).permits(bs("a"), ALONE, true)).isFalse();
  }

  @Test
  void permits_writeGrant_allowsNoRead() {
    assertThat(of(perm(WRITE, "a", "")).permits(bs("a"), ALONE, false)).isFalse();
  }

  @Test
  void permits_readWriteGrant_allowsBoth() {
    RangePermissions perms = of(perm(READWRITE, "a", ""));

    assertThat(perms.permits(bs("a"), ALONE, false)).isTrue();
    assertThat(perms.permits(bs("a"), ALONE, true)).isTrue();
  }

  @Test
  void permits_unknownType_allowsNothing() {
    RangePermissions perms = of(Permission.newBuilder().setPermTypeValue(5).setKey(bs("a"))
        .build());

    assertThat(perms.permits(bs("a"), ALONE, false)).isFalse();
    assertThat(perms.permits(bs("a"), ALONE, true)).isFalse();
  }

  @Test
  void permits_grantOnTheEmptyKey_coversNothing() {
    // etcd's intervals take an empty bound as past every key, so these start nowhere
    RangePermissions perms = of(perm(READ, "", ""), perm(READ, "", "\0"), perm(READ, "", "z"));

    assertThat(reads(perms, "a", "")).isFalse();
    assertThat(reads(perms, "\0", "\0")).isFalse();
  }

  @Test
  void permits_backwardsGrant_coversNothing() {
    assertThat(reads(of(perm(READ, "c", "a")), "b", "")).isFalse();
  }

  @Test
  void permits_backwardsRequestOfACoveredKey_dependsOnGrantOrder() {
    // etcd 3.4.23 (observed): Range [e, a) by users holding [a, z) and [c, d): allowed when
    // [a, z) went into the tree first, denied the other way round, where the tree walk skips it
    assertThat(reads(of(perm(READ, "a", "z"), perm(READ, "c", "d")), "e", "a")).isTrue();
    assertThat(reads(of(perm(READ, "c", "d"), perm(READ, "a", "z")), "e", "a")).isFalse();
  }

  @Test
  void permits_emptyRequestOfACoveredKey_passes() {
    // etcd 3.4.23 (observed): [e, e) passes for both grant orders
    assertThat(reads(of(perm(READ, "a", "z"), perm(READ, "c", "d")), "e", "e")).isTrue();
    assertThat(reads(of(perm(READ, "c", "d"), perm(READ, "a", "z")), "e", "e")).isTrue();
  }

  /** What coverage means when the walk finds every overlapping grant: the model to agree with. */
  private static boolean covered(List<Permission> perms, ByteString key, ByteString rangeEnd) {
    Comparator<ByteString> order = ByteString.unsignedLexicographicalComparator();
    List<ByteString[]> grants = new ArrayList<>();
    for (Permission p : perms) {
      if (p.getPermType() != READ || p.getKey().isEmpty()) {
        continue;
      }
      ByteString end = p.getRangeEnd().isEmpty() ? p.getKey().concat(OPEN) : p.getRangeEnd();
      if (end.equals(OPEN) || order.compare(p.getKey(), end) < 0) {
        grants.add(new ByteString[] {p.getKey(), end});
      }
    }
    grants.sort((a, b) -> order.compare(a[0], b[0]));
    ByteString end = rangeEnd.isEmpty() ? key.concat(OPEN) : rangeEnd;
    ByteString reached = key;
    for (ByteString[] g : grants) {
      if (order.compare(g[0], reached) > 0) {
        break;
      }
      if (g[1].equals(OPEN)) {
        return true;
      }
      if (order.compare(g[1], reached) > 0) {
        reached = g[1];
      }
    }
    return !end.equals(OPEN) && order.compare(reached, end) >= 0;
  }

  private static ByteString randomKey(Random random) {
    String[] keys = {"a", "ab", "b", "b\0", "ba", "c", "\u00e9", "d"};
    return bs(keys[random.nextInt(keys.length)]);
  }

  private static ByteString randomEnd(Random random) {
    int pick = random.nextInt(10);
    return pick < 3 ? ByteString.EMPTY : pick < 4 ? OPEN : randomKey(random);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void permits_forwardRequests_agreeWithPlainCoverage(long seed) {
    Random random = new Random(seed);
    List<Permission> perms = new ArrayList<>();
    for (int i = random.nextInt(30) + 1; i > 0; i--) {
      perms.add(Permission.newBuilder().setPermType(random.nextBoolean() ? READ : WRITE)
          .setKey(random.nextInt(20) == 0 ? ByteString.EMPTY : randomKey(random))
          .setRangeEnd(randomEnd(random)).build());
    }
    RangePermissions merged = of(perms.toArray(Permission[]::new));
    Comparator<ByteString> order = ByteString.unsignedLexicographicalComparator();

    for (int i = 0; i < 500; i++) {
      ByteString key = randomKey(random);
      ByteString end = randomEnd(random);
      if (end.isEmpty() || end.equals(OPEN) || order.compare(key, end) < 0) {
        assertThat(merged.permits(key, end, false)).as("%s [%s, %s)", perms, key, end)
            .isEqualTo(covered(perms, key, end));
      }
    }
  }
}
