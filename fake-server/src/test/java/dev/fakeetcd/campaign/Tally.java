package dev.fakeetcd.campaign;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Counts of what campaign runs did, by group ("op", "fault", "cluster") and name; thread-safe, so
 * real-thread clients and every seed count into one.
 */
final class Tally {

  private final Map<String, Map<String, LongAdder>> groups = new ConcurrentSkipListMap<>();

  void add(String group, String name) {
    add(group, name, 1);
  }

  void add(String group, String name, long count) {
    groups.computeIfAbsent(group, g -> new ConcurrentSkipListMap<>())
        .computeIfAbsent(name, n -> new LongAdder()).add(count);
  }

  long total(String group) {
    return groups.getOrDefault(group, Map.of()).values().stream().mapToLong(LongAdder::sum).sum();
  }

  void addAll(Tally other) {
    other.groups.forEach((group, names) -> names.forEach((name, n) -> add(group, name, n.sum())));
  }

  /** {@code group total: name n, name n, ...} */
  String render(String group) {
    return group + " " + total(group) + ": " + groups.getOrDefault(group, Map.of()).entrySet()
        .stream().map(e -> e.getKey() + " " + e.getValue().sum()).collect(Collectors.joining(", "));
  }
}
