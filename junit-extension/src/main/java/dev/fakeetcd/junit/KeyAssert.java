package dev.fakeetcd.junit;

import dev.fakeetcd.api.KeyValue;

/** Assertions on one key found by {@link EtcdClusterAssert#hasKey(String)}. */
public final class KeyAssert {

  private final EtcdClusterAssert cluster;
  private final String key;
  private final KeyValue kv;

  KeyAssert(EtcdClusterAssert cluster, String key, KeyValue kv) {
    this.cluster = cluster;
    this.key = key;
    this.kv = kv;
  }

  /** The key's value, as UTF-8, is {@code expected}. */
  public KeyAssert withValue(String expected) {
    String value = kv.getValue().toStringUtf8();
    if (!value.equals(expected)) {
      cluster.fail("Expecting key \"" + key + "\" to have value \"" + expected + "\", but it has \""
          + value + "\" (mod revision " + kv.getModRevision() + ").", cluster.status());
    }
    return this;
  }

  /** The revision of the key's last change is {@code expected}. */
  public KeyAssert withModRevision(long expected) {
    if (kv.getModRevision() != expected) {
      cluster.fail("Expecting key \"" + key + "\" to be last changed at revision " + expected
          + ", but it was at " + kv.getModRevision() + ".", cluster.status());
    }
    return this;
  }

  /** Back to the cluster, for more assertions. */
  public EtcdClusterAssert and() {
    return cluster;
  }
}
