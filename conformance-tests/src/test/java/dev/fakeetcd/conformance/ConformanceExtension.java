package dev.fakeetcd.conformance;

import static dev.fakeetcd.conformance.Await.await;
import static org.junit.platform.commons.support.AnnotationSupport.findAnnotation;
import static org.junit.platform.commons.support.AnnotationSupport.isAnnotated;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.RangeRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.grpc.ManagedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
    int minMembers = findAnnotation(context.getTestMethod(), ConformanceTest.class)
        .map(ConformanceTest::minMembers).orElse(1);
    int maxMembers = findAnnotation(context.getTestMethod(), ConformanceTest.class)
        .map(ConformanceTest::maxMembers).orElse(Integer.MAX_VALUE);
    return Arrays.stream(Targets.values())
        .filter(target -> target.members() >= minMembers && target.members() <= maxMembers)
        .map(Invocation::new);
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
      EtcdTarget target = started(context);
      long cleared = await(target.client().getKVClient()
          .delete(EVERY_KEY, DeleteOption.builder().withRange(EVERY_KEY).build()))
          .getHeader().getRevision();
      // Followers apply asynchronously: without this a watch opened on one could still see the
      // clean-up's deletes as events of the test.
      for (ManagedChannel channel : target.channels()) {
        awaitApplied(channel, cleared);
      }
    }

    private static void awaitApplied(ManagedChannel channel, long revision) {
      KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
      RangeRequest probe = RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
          .setSerializable(true).setCountOnly(true).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (kv.withDeadlineAfter(10, TimeUnit.SECONDS).range(probe).getHeader().getRevision() < revision) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a member did not apply revision " + revision + " within 10 s");
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a member", e);
        }
      }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == EtcdTarget.class || type == Client.class || type == ClusterLauncher.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      if (parameter.getParameter().getType() == ClusterLauncher.class) {
        return launcher(context);
      }
      EtcdTarget started = started(context);
      return parameter.getParameter().getType() == Client.class ? started.client() : started;
    }

    /** Launched clusters live in the test's own store, which closes them when the test ends. */
    private ClusterLauncher launcher(ExtensionContext context) {
      ExtensionContext.Store store = context.getStore(NAMESPACE);
      return options -> {
        String name = target.displayName() + "-private";
        Launched launched = new Launched(target.factory().start(name, options));
        store.put(launched, launched);
        return launched.cluster();
      };
    }

    private EtcdTarget started(ExtensionContext context) {
      return context.getRoot().getStore(NAMESPACE)
          .getOrComputeIfAbsent(target, Started::new, Started.class)
          .target();
    }
  }

  private record Launched(StartedTarget cluster) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cluster.close();
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
