package dev.fakeetcd.junit;

import static org.junit.platform.commons.support.AnnotationSupport.findAnnotation;

import dev.fakeetcd.AuthSetup;
import dev.fakeetcd.AutoCompaction;
import dev.fakeetcd.ClusterConfig;
import dev.fakeetcd.EtcdCluster;
import dev.fakeetcd.Member;
import dev.fakeetcd.MemberStatus;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link EtcdTest}. Every cluster lives in the {@link ExtensionContext.Store}
 * of the context that owns it (a test method, or a class that shares one cluster), which closes it
 * when that context ends; nothing is kept anywhere else, so parallel and nested tests are safe.
 */
final class EtcdExtension implements BeforeEachCallback, ParameterResolver,
    TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

  /** System property or configuration parameter that fixes every cluster's seed. */
  static final String SEED_PARAMETER = "fake-etcd.seed";
  /** Where traces of failed tests go; {@code target/fake-etcd} by default. */
  static final String TRACE_DIR_PARAMETER = "fake-etcd.trace-dir";
  /** How many faults, elections, leader and membership changes and client calls a report lists. */
  static final int REPORT_EVENTS = 40;

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(EtcdExtension.class);
  private static final String KEY = "cluster";
  /** In a test's own store once its first failure carries the report. */
  private static final String REPORTED = "reported";

  @EtcdTest
  private static final class Defaults {
  }

  // ---- which context owns the cluster, and with which settings ----

  /** The context whose store holds the cluster for {@code context}; empty if there is none. */
  private static Optional<ExtensionContext> owner(ExtensionContext context) {
    Optional<Method> method = context.getTestMethod();
    if (method.isPresent() && findAnnotation(method.get(), EtcdTest.class).isPresent()) {
      return Optional.of(context);
    }
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent()) {
      c = c.getParent().orElseThrow();
    }
    for (; c.getTestClass().isPresent(); c = c.getParent().orElseThrow()) {
      if (sharesCluster(c)) {
        return Optional.of(c);
      }
    }
    return method.isPresent() ? Optional.of(context) : Optional.empty();
  }

  private static boolean sharesCluster(ExtensionContext classContext) {
    return classContext.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
        == TestInstance.Lifecycle.PER_CLASS
        || findAnnotation(classContext.getRequiredTestClass(), EtcdTest.class)
            .map(EtcdTest::perClass).orElse(false);
  }

  /** The nearest {@code @EtcdTest}: on the method, its class, then the enclosing classes. */
  private static EtcdTest settings(ExtensionContext owner) {
    if (owner.getTestMethod().isPresent()) {
      Optional<EtcdTest> onMethod = findAnnotation(owner.getRequiredTestMethod(), EtcdTest.class);
      if (onMethod.isPresent()) {
        if (onMethod.get().perClass()) {
          throw misuse("@EtcdTest(perClass = true) on method " + owner.getRequiredTestMethod()
              .getName() + ": a method has its own cluster; put perClass on the class instead");
        }
        return onMethod.get();
      }
    }
    for (ExtensionContext c = owner; c.getTestClass().isPresent(); c = c.getParent().orElseThrow()) {
      Optional<EtcdTest> onClass = findAnnotation(c.getRequiredTestClass(), EtcdTest.class);
      if (onClass.isPresent()) {
        return onClass.get();
      }
    }
    return Defaults.class.getAnnotation(EtcdTest.class);
  }

  private static ClusterResource resource(ExtensionContext context, String forWhat) {
    ExtensionContext owner = owner(context).orElseThrow(() -> misuse(forWhat + " in "
        + context.getDisplayName() + ": outside a test method there is no cluster unless the class "
        + "shares one; use @EtcdTest(perClass = true) or @TestInstance(PER_CLASS), or inject it into "
        + "the test method"));
    return owner.getStore(NAMESPACE)
        .getOrComputeIfAbsent(KEY, k -> start(owner), ClusterResource.class);
  }

  private static ClusterResource start(ExtensionContext owner) {
    EtcdTest settings = settings(owner);
    Optional<String> fixed = owner.getConfigurationParameter(SEED_PARAMETER);
    long seed;
    if (fixed.isPresent()) {
      try {
        seed = Long.parseLong(fixed.get().trim());
      } catch (NumberFormatException e) {
        throw misuse(SEED_PARAMETER + " must be a long: '" + fixed.get() + "'");
      }
    } else {
      // Not the simulation's randomness: only the choice of seed, which is reported.
      seed = settings.seed() != EtcdTest.RANDOM_SEED ? settings.seed()
          : ThreadLocalRandom.current().nextLong();
    }
    // The certificates live in a temporary directory that the cluster's close deletes.
    ClusterCertificates certificates = settings.tls() || settings.clientCertAuth()
        ? ClusterCertificates.create() : null;
    try {
      ClusterConfig config = config(owner, settings, seed, certificates);
      ClusterResource resource;
      try {
        resource = new ClusterResource(config,
            fixed.isPresent() || settings.seed() != EtcdTest.RANDOM_SEED, certificates);
      } catch (IllegalArgumentException e) {
        // The one refusal of a started cluster: an auth setup etcd would not take.
        throw misuse(authAttribute(settings.auth(), owner) + ": " + e.getMessage()
            + "; fix the setup " + settings.auth() + "() returns");
      }
      owner.publishReportEntry("fake-etcd.seed", Long.toString(seed));
      return resource;
    } catch (RuntimeException e) {
      if (certificates != null) {
        certificates.close();
      }
      throw e;
    }
  }

  private static ClusterConfig config(ExtensionContext owner, EtcdTest settings, long seed,
      ClusterCertificates certificates) {
    try {
      ClusterConfig.Builder builder = ClusterConfig.builder();
      if (certificates != null) {
        builder.tls(certificates.serverTls(settings.clientCertAuth()));
      }
      AutoCompaction.parse(settings.autoCompactionMode(), settings.autoCompactionRetention())
          .ifPresent(builder::autoCompaction);
      if (!settings.restoreFrom().isEmpty()) {
        builder.restoreFrom(Path.of(settings.restoreFrom()));
      }
      if (!settings.auth().isEmpty()) {
        builder.auth(authSetup(owner, settings.auth()));
      }
      return builder
          .members(settings.members())
          .seed(seed)
          .clockMode(settings.clock())
          .heartbeat(Duration.ofMillis(settings.heartbeatMillis()))
          .election(Duration.ofMillis(settings.electionMillis()))
          .maxTxnOps(settings.maxTxnOps())
          .maxRequestBytes(settings.maxRequestBytes())
          .quotaBackendBytes(settings.quotaBackendBytes())
          .tcp(settings.tcp())
          .authToken(settings.authToken())
          .authTokenTtl(Duration.ofSeconds(settings.authTokenTtlSeconds()))
          .bcryptCost(settings.bcryptCost())
          .history(settings.history())
          .build();
    } catch (IllegalArgumentException e) {
      throw misuse("@EtcdTest for " + owner.getDisplayName() + ": " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw misuse("@EtcdTest(restoreFrom) for " + owner.getDisplayName() + ": "
          + e.getMessage() + " (" + e.getCause() + ")");
    }
  }

  /** Calls the static method {@code name} of the test class, or else of an enclosing class. */
  private static AuthSetup authSetup(ExtensionContext owner, String name) {
    String what = authAttribute(name, owner);
    Class<?> testClass = owner.getRequiredTestClass();
    Optional<Method> found = Optional.empty();
    for (Class<?> c = testClass; c != null && found.isEmpty(); c = c.getEnclosingClass()) {
      found = ReflectionSupport.findMethod(c, name);
    }
    Method method = found.orElseThrow(() -> misuse(what + ": there is no method " + name
        + "() in " + testClass.getName() + " or its enclosing classes; add \"static AuthSetup "
        + name + "()\" to the test class"));
    String where = "method " + name + "() of " + method.getDeclaringClass().getSimpleName();
    if (!Modifier.isStatic(method.getModifiers())) {
      throw misuse(what + ": " + where + " is not static; make it static (the cluster starts "
          + "before there is a test instance)");
    }
    if (method.getReturnType() != AuthSetup.class) {
      throw misuse(what + ": " + where + " returns " + method.getGenericReturnType().getTypeName()
          + "; make it return dev.fakeetcd.AuthSetup");
    }
    Object setup;
    try {
      setup = ReflectionSupport.invokeMethod(method, null);
    } catch (Exception e) {
      throw new ExtensionConfigurationException(what + ": " + where + " threw " + e
          + "; make it return the setup", e);
    }
    if (setup == null) {
      throw misuse(what + ": " + where + " returned null; make it return the setup");
    }
    return (AuthSetup) setup;
  }

  private static String authAttribute(String name, ExtensionContext owner) {
    return "@EtcdTest(auth = \"" + name + "\") for " + owner.getDisplayName();
  }

  // ---- injection ----

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return injectable(parameter.getParameter().getType(), parameter.getParameter());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return value(parameter.getParameter(), parameter.getParameter().getType(),
        parameter.getParameter().getParameterizedType(),
        "parameter " + (parameter.getParameter().isNamePresent()
            ? "'" + parameter.getParameter().getName() + "'" : "#" + parameter.getIndex())
            + " of method " + parameter.getDeclaringExecutable().getName(), context);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      List<Field> fields = ReflectionSupport.findFields(instance.getClass(),
          f -> !Modifier.isStatic(f.getModifiers()) && injectable(f.getType(), f),
          HierarchyTraversalMode.TOP_DOWN);
      for (Field field : fields) {
        String what = "field '" + field.getName() + "' of " + field.getDeclaringClass().getSimpleName();
        if (Modifier.isFinal(field.getModifiers())) {
          throw misuse(what + " is final; make it non-final so that @EtcdTest can inject it");
        }
        Object value = value(field, field.getType(), field.getGenericType(), what, context);
        field.setAccessible(true);
        field.set(instance, value);
      }
    }
  }

  private static boolean injectable(Class<?> type, AnnotatedElement element) {
    return type == EtcdCluster.class || type == Member.class || type == ManagedChannel.class
        || type == Channel.class || type.getName().equals(JetcdClients.CLIENT_CLASS)
        || element.isAnnotationPresent(EtcdMember.class)
        || element.isAnnotationPresent(Endpoints.class)
        || element.isAnnotationPresent(EtcdUser.class);
  }

  private static Object value(AnnotatedElement element, Class<?> type, Type generic, String what,
      ExtensionContext context) {
    EtcdMember selected = element.getAnnotation(EtcdMember.class);
    if (element.isAnnotationPresent(Endpoints.class)) {
      boolean uris = type == List.class && generic instanceof ParameterizedType p
          && p.getActualTypeArguments()[0] == URI.class;
      if (!uris && type != String.class) {
        throw misuse("@Endpoints on " + what + " of type " + generic.getTypeName()
            + ": use List<URI> or String");
      }
      List<URI> endpoints = tcpCluster(context, what).endpoints();
      return uris ? endpoints
          : endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }
    if (selected != null && type != Member.class && type != ManagedChannel.class
        && type != Channel.class) {
      throw misuse("@EtcdMember on " + what + " of type " + type.getSimpleName()
          + ": it selects the member of a Member or ManagedChannel; use one of those types");
    }
    EtcdUser user = element.getAnnotation(EtcdUser.class);
    boolean client = type.getName().equals(JetcdClients.CLIENT_CLASS);
    if (user != null && !client) {
      throw misuse("@EtcdUser on " + what + " of type " + type.getSimpleName()
          + ": it authenticates a jetcd client; use io.etcd.jetcd.Client");
    }
    if (client) {
      EtcdCluster cluster = tcpCluster(context, what);
      ClusterResource resource = resource(context, what);
      if (user == null) {
        return resource.jetcdClient();
      }
      return resource.mutualTls()
          ? resource.jetcdClientWithCertificate(user.value())
          : resource.jetcdClient(user.value(), password(cluster, user.value(), what));
    }
    ClusterResource resource = resource(context, what);
    EtcdCluster cluster = resource.cluster();
    if (type == EtcdCluster.class) {
      return cluster;
    }
    Member member = member(cluster, selected, what);
    return type == Member.class ? member : resource.channel(member.index());
  }

  /** {@code user}'s password in the cluster's auth setup. */
  private static String password(EtcdCluster cluster, String user, String what) {
    String annotation = "@EtcdUser(\"" + user + "\") on " + what;
    AuthSetup setup = cluster.config().auth().orElseThrow(() -> misuse(annotation
        + ": the cluster has no auth; name a static method returning its AuthSetup in "
        + "@EtcdTest(auth = \"...\")"));
    return setup.password(user).orElseThrow(() -> misuse(annotation + ": the auth setup names no "
        + "user " + user + "; add .user(\"" + user + "\", password, roles...) to it, or use "
        + "@EtcdUser(\"root\")"));
  }

  private static EtcdCluster tcpCluster(ExtensionContext context, String what) {
    EtcdCluster cluster = resource(context, what).cluster();
    if (!cluster.config().tcp()) {
      throw misuse(what + " needs TCP endpoints, but the cluster is in-process only; remove "
          + "tcp = false from @EtcdTest");
    }
    return cluster;
  }

  private static Member member(EtcdCluster cluster, EtcdMember selected, String what) {
    if (selected == null) {
      return cluster.leader().orElseGet(cluster::awaitLeader);
    }
    int count = cluster.members().size();
    if (selected.value() < 0 || selected.value() >= count) {
      throw misuse("@EtcdMember(" + selected.value() + ") on " + what + ": the cluster has " + count
          + " members (indexes 0 to " + (count - 1) + "); use an index in that range or @EtcdTest("
          + "members = " + Math.max(selected.value() + 1, 1) + ")");
    }
    return cluster.member(selected.value());
  }

  private static ExtensionConfigurationException misuse(String message) {
    return new ExtensionConfigurationException(message);
  }

  // ---- failure reports ----

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw withReport(context, throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context,
      Throwable throwable) throws Throwable {
    throw withReport(context, throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context,
      Throwable throwable) throws Throwable {
    throw withReport(context, throwable);
  }

  /**
   * Attaches the report to {@code failure}, if the test has a cluster. Only there, not also on
   * standard error: the failure carries it to every place that shows the failure (IDE, build
   * console, surefire's reports), next to the right test even when tests run in parallel. Only to
   * a test's first failure: JUnit adds a later one (from an {@code @AfterEach}, say) to the first
   * as suppressed, so that one report shows it all.
   */
  private static Throwable withReport(ExtensionContext context, Throwable failure) {
    Optional<ClusterResource> resource = owner(context)
        .map(o -> o.getStore(NAMESPACE).get(KEY, ClusterResource.class));
    Object first = new Object();
    if (resource.isPresent() && !(failure instanceof ExtensionConfigurationException)
        && context.getStore(NAMESPACE).getOrComputeIfAbsent(REPORTED, k -> first) == first) {
      failure.addSuppressed(new ClusterReport(report(context, resource.get())));
    }
    return failure;
  }

  static String report(ExtensionContext context, ClusterResource resource) {
    EtcdCluster cluster = resource.cluster();
    long seed = cluster.seed();
    String trace = cluster.trace();
    StringBuilder sb = new StringBuilder()
        .append("fake-etcd: ").append(context.getDisplayName()).append(" failed on a ")
        .append(cluster.members().size()).append("-member cluster with seed ").append(seed)
        .append(resource.seedFixed() ? "" : " (random)").append('\n')
        .append("  rerun with this seed: -D").append(SEED_PARAMETER).append('=').append(seed)
        .append("  or  @EtcdTest(seed = ").append(seed).append("L)\n")
        .append("  members:\n");
    for (MemberStatus status : cluster.status()) {
      sb.append("    ").append(status).append('\n');
    }
    sb.append("  full trace: ").append(writeTrace(context, trace)).append('\n');
    if (cluster.config().history()) {
      sb.append("  timeline: ").append(writeTimeline(context, cluster)).append('\n');
    }
    sb.append("  what happened (faults, elections, leader and membership changes, client calls; ")
        .append("the last ").append(REPORT_EVENTS).append("):\n");
    cluster.traceSummary(REPORT_EVENTS).lines()
        .forEach(line -> sb.append("    ").append(line).append('\n'));
    return sb.toString();
  }

  private static String writeTrace(ExtensionContext context, String trace) {
    Path dir = traceDir(context);
    Path file = dir.resolve(traceName(context) + ".trace");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, trace, StandardCharsets.UTF_8);
      return file.toAbsolutePath().toString();
    } catch (IOException e) {
      return "not written (" + e + ")";
    }
  }

  /** The run drawn as an HTML page next to the trace, for a browser. */
  private static String writeTimeline(ExtensionContext context, EtcdCluster cluster) {
    Path file = traceDir(context).resolve(traceName(context) + ".html");
    try {
      return cluster.history().writeTimeline(file).toAbsolutePath().toString();
    } catch (RuntimeException e) {
      // Whatever went wrong drawing, the test's failure and the rest of its report come first.
      return "not written (" + (e instanceof UncheckedIOException ? e.getCause() : e) + ")";
    }
  }

  private static Path traceDir(ExtensionContext context) {
    return Path.of(context.getConfigurationParameter(TRACE_DIR_PARAMETER)
        .orElse("target/fake-etcd"));
  }

  private static String traceName(ExtensionContext context) {
    String name = context.getRequiredTestClass().getName()
        + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
    boolean invocation = context.getParent().flatMap(ExtensionContext::getTestMethod).isPresent();
    if (invocation) {
      name += "-" + context.getDisplayName();
    }
    return name.replaceAll("[^A-Za-z0-9._$-]", "_");
  }
}
