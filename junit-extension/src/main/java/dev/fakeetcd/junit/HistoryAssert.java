package dev.fakeetcd.junit;

import dev.fakeetcd.History;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a cluster's recorded {@link History}; reached by
 * {@link EtcdClusterAssert#history()}. Each fails with the violation its check found, which names
 * the operations involved and the seed.
 *
 * <pre>{@code
 * assertThat(cluster).history().isLinearizable().watchGuaranteesHold();
 * }</pre>
 */
public final class HistoryAssert extends AbstractAssert<HistoryAssert, History> {

  HistoryAssert(History history) {
    super(history, HistoryAssert.class);
  }

  /** The key-value calls can be put in one order that respects real time and etcd's semantics. */
  public HistoryAssert isLinearizable() {
    return holds(actual.linearizabilityViolation());
  }

  /**
   * Every watch kept etcd's guarantees: ordered, unique, reliable, atomic, resumable from its start
   * revision.
   */
  public HistoryAssert watchGuaranteesHold() {
    return holds(actual.watchGuaranteeViolation());
  }

  /** Serializable reads were sequentially consistent on each member. */
  public HistoryAssert serializableReadsAreSequentiallyConsistent() {
    return holds(actual.serializableReadViolation());
  }

  private HistoryAssert holds(Optional<String> violation) {
    isNotNull();
    violation.ifPresent(v -> failWithMessage("%s", v));
    return this;
  }
}
