package dev.fakeetcd.conformance;

import static dev.fakeetcd.conformance.Await.await;
import static org.junit.platform.commons.support.AnnotationSupport.findAnnotation;
import static org.junit.platform.commons.support.AnnotationSupport.isAnnotated;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Behind {@link ConformanceTest}: one invocation per {@link Targets} constant. Each target is
 * started on first use and kept in the root store, so it serves the whole run and is closed when
 * the run ends.
 */
final class ConformanceExtension implements TestTemplateInvocationContextProvider {

  private static final Namespace NAMESPACE = Namespace.create(ConformanceExtension.class);
  /** Key {@code \0} with range end {@code \0}: every key. */
  private static final ByteSequence EVERY_KEY = ByteSequence.from(new byte[] {0});

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return isAnnotated(context.getTestMethod(), ConformanceTest.class);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    return Arrays.stream(Targets.values()).map(Invocation::new);
  }

  private record Invocation(Targets target) implements TestTemplateInvocationContext {
    @Override
    public String getDisplayName(int invocationIndex) {
      return target.displayName();
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(new OnTarget(target));
    }
  }

  /** Skips unavailable targets, empties the keyspace and injects the target. */
  private record OnTarget(Targets target) implements ExecutionCondition, BeforeEachCallback, ParameterResolver {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<String> notServed = findAnnotation(context.getTestMethod(), Requires.class).stream()
          .flatMap(requires -> Arrays.stream(requires.value()))
          .filter(rpc -> !target.factory().serves(rpc))
          .map(rpc -> target.displayName() + " does not serve " + rpc.fullName() + " yet")
          .findFirst();
      if (notServed.isPresent()) {
        return ConditionEvaluationResult.disabled(notServed.get());
      }
      return Availability.evaluate(target.factory().unavailableReason());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      await(started(context).client().getKVClient()
          .delete(EVERY_KEY, DeleteOption.builder().withRange(EVERY_KEY).build()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == EtcdTarget.class || type == Client.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      EtcdTarget started = started(context);
      return parameter.getParameter().getType() == Client.class ? started.client() : started;
    }

    private EtcdTarget started(ExtensionContext context) {
      return context.getRoot().getStore(NAMESPACE)
          .getOrComputeIfAbsent(target, Started::new, Started.class)
          .target();
    }
  }

  /** A target started once per run; a failed start is remembered so later tests fail fast with the same cause. */
  private static final class Started implements ExtensionContext.Store.CloseableResource {
    private final EtcdTarget target;
    private final RuntimeException failure;

    Started(Targets kind) {
      EtcdTarget started = null;
      RuntimeException failed = null;
      try {
        started = kind.factory().start(kind.displayName());
      } catch (RuntimeException e) {
        failed = e;
      }
      this.target = started;
      this.failure = failed;
    }

    EtcdTarget target() {
      if (failure != null) {
        throw new IllegalStateException("target did not start", failure);
      }
      return target;
    }

    @Override
    public void close() {
      if (target != null) {
        target.close();
      }
    }
  }
}
