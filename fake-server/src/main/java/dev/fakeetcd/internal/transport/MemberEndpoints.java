package dev.fakeetcd.internal.transport;

import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.AuthGrpc;
import dev.fakeetcd.api.ClusterGrpc;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.LeaseGrpc;
import dev.fakeetcd.api.MaintenanceGrpc;
import dev.fakeetcd.api.WatchGrpc;
import dev.fakeetcd.internal.http.GatewayRoute;
import dev.fakeetcd.internal.http.GrpcHandled;
import dev.fakeetcd.internal.http.HealthRoute;
import dev.fakeetcd.internal.http.HttpRoute;
import dev.fakeetcd.internal.http.MetricsRoute;
import dev.fakeetcd.internal.http.VersionRoute;
import dev.fakeetcd.internal.membership.Downgrade;
import dev.fakeetcd.internal.rpctypes.DeepParsing;
import dev.fakeetcd.internal.server.CallerToken;
import dev.fakeetcd.internal.server.ClientEndpoints;
import dev.fakeetcd.internal.server.Cluster;
import dev.fakeetcd.internal.server.MemberServer;
import dev.fakeetcd.internal.server.ServerSettings;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.v3client.InProcessClient;
import dev.fakeetcd.internal.v3election.ElectionService;
import dev.fakeetcd.internal.v3lock.LockService;
import dev.fakeetcd.internal.v3rpc.AuthService;
import dev.fakeetcd.internal.v3rpc.ClusterService;
import dev.fakeetcd.internal.v3rpc.HealthService;
import dev.fakeetcd.internal.v3rpc.KvService;
import dev.fakeetcd.internal.v3rpc.LeaseService;
import dev.fakeetcd.internal.v3rpc.MaintenanceService;
import dev.fakeetcd.internal.v3rpc.SendQueue;
import dev.fakeetcd.internal.v3rpc.WatchService;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.inprocess.InternalInProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The servers of a cluster's members: per member its gRPC services behind etcd's interceptors, on
 * an in-process name and, if asked, on a 127.0.0.1 port that also serves HTTP/1.1 (etcd's
 * {@code /health}, {@code /version}, {@code /metrics}), over TLS if set ({@link ClientPort}); and
 * how they go down and come back with the member's process.
 */
public final class MemberEndpoints implements ClientEndpoints {

  /** What the Netty transport buffers at most; bigger messages get grpc-java's own refusal. */
  private static final int TRANSPORT_MAX_MESSAGE = 256 * 1024 * 1024;
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final Cluster cluster;
  /** -1 for in-process only, 0 for any free port, else {@link ServerSettings#clientPort}'s base. */
  private final int basePort;
  private final long instance = INSTANCES.incrementAndGet();
  private final List<URI> uris = new CopyOnWriteArrayList<>();
  /** By member index. */
  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
  /** In MANUAL mode: warns about calls that wait for time nobody moves. */
  private final StuckCallWatchdog watchdog;
  /** The ports' TLS, or null for plaintext. */
  private final SslContext ssl;

  private MemberEndpoints(Cluster cluster, int basePort, VirtualClock.Mode mode, SslContext ssl) {
    this.cluster = cluster;
    this.basePort = basePort;
    this.watchdog = mode == VirtualClock.Mode.MANUAL ? new StuckCallWatchdog(this) : null;
    this.ssl = ssl;
  }

  /** Starts a cluster (see {@link Cluster#start}) and serves its members' clients in plaintext. */
  public static MemberEndpoints start(long seed, SimConfig config, ServerSettings settings) {
    return start(seed, config, settings, null);
  }

  /**
   * Starts a cluster (see {@link Cluster#start}) and serves its members' clients, over TLS on the
   * ports if {@code tls} is not null.
   *
   * @throws IllegalArgumentException if the TLS files cannot be used
   */
  public static MemberEndpoints start(long seed, SimConfig config, ServerSettings settings,
      PortTls tls) {
    SslContext ssl = tls == null ? null : tls.context();
    var wiring = new Wiring() {
      MemberEndpoints served;

      @Override
      public Executor sendQueue(Executor pool) {
        return new SendQueue(pool);
      }

      @Override
      public ClientEndpoints serve(Cluster cluster) {
        served = new MemberEndpoints(cluster, settings.basePort(), config.clockMode(), ssl);
        try {
          for (int i = 0; i < cluster.memberIds().size(); i++) {
            served.start(i);
          }
        } catch (RuntimeException e) {
          served.close();
          throw e;
        }
        if (served.watchdog != null) {
          served.watchdog.start();
        }
        return served;
      }
    };
    Cluster.start(seed, config, settings, wiring);
    return wiring.served;
  }

  public Cluster cluster() {
    return cluster;
  }

  /** The client-link faults of member {@code index}. */
  public ClientLinkFaults linkFaults(int index) {
    return endpoints.get(index).links;
  }

  /** How many members have their gRPC servers made (members started later come last). */
  int served() {
    return endpoints.size();
  }

  /** In MANUAL mode: how long a call waits, with the clock still, before the warning; for tests. */
  void stuckCallWarningAfter(Duration threshold) {
    watchdog.threshold(threshold);
  }

  /** Makes and starts member {@code i}'s gRPC servers; not under the cluster lock. */
  @Override
  public void start(int i) {
    MemberServer member = cluster.memberServer(cluster.memberIds().get(i));
    ClientLinkFaults faults = new ClientLinkFaults(cluster);
    Executor sender = cluster.callLock().sender();
    // The last interceptor runs first: injected link faults, then grpc-go's receive checks, which
    // come before any handler, then etcd's own checks in its order.
    // As etcd's grpc-prometheus: its own services and the health service counted from 0.
    GrpcHandled handled = new GrpcHandled(List.of(
        KVGrpc.getServiceDescriptor(), WatchGrpc.getServiceDescriptor(),
        LeaseGrpc.getServiceDescriptor(), ClusterGrpc.getServiceDescriptor(),
        MaintenanceGrpc.getServiceDescriptor(), AuthGrpc.getServiceDescriptor(),
        HealthService.DESCRIPTOR));
    // The history tap sits outside the link faults: it sees answers as they leave (see HistoryTap).
    List<ServerInterceptor> chain = new ArrayList<>(List.of(
        new HasLeaderInterceptor(cluster, member, sender), new LearnerInterceptor(cluster, member),
        new ReceiveInterceptor(cluster.maxRequestBytes() + Cluster.RECEIVE_HEADROOM),
        CallTrace.INSTANCE, CallerToken.INSTANCE, faults));
    if (cluster.history() != null) {
      chain.add(new HistoryTap(cluster.history(), member.id()));
    }
    chain.add(new Arrivals(cluster.callLock().arrivals()));
    chain.add(handled);
    ServerInterceptor interceptors = new InterceptorChain(chain);
    InProcessClient inProcessClient = new InProcessClient(cluster, member);
    List<ServerServiceDefinition> services = new ArrayList<>();
    for (BindableService service : List.of(new KvService(cluster, member),
        new MaintenanceService(cluster, member), new ClusterService(cluster, member),
        new WatchService(cluster, member), new LeaseService(cluster, member),
        new AuthService(cluster, member), new LockService(inProcessClient),
        new ElectionService(inProcessClient, cluster.clock(), sender))) {
      services.add(DeepParsing.requests(service.bindService(), interceptors));
    }
    // etcd's health server sits behind its interceptors too, but checks nothing of the member.
    services.add(ServerInterceptors.intercept(HealthService.definition(), faults, handled));
    String inProcessName = "fake-etcd-" + instance + "-" + i;
    // The JSON gateway calls the member's own services, as etcd's gateway dials its own port.
    LazyInProcessChannel gatewayChannel = new LazyInProcessChannel(inProcessName);
    List<HttpRoute> routes = List.of(new HealthRoute(cluster, member),
        new VersionRoute(Downgrade.VERSION, Downgrade.CLUSTER.toString()),
        new MetricsRoute(cluster, member, handled), new GatewayRoute(gatewayChannel,
            () -> cluster.clientCertAuth() && cluster.query(() -> member.authEnabled())));
    Endpoint endpoint = new Endpoint(Trace.label(Cluster.memberName(i), member.id()),
        inProcessName, faults, services, routes, gatewayChannel);
    // Direct executor: an in-process call reaches the simulation on the caller's thread, so a
    // request sent asynchronously is registered before the caller moves the clock.
    InProcessServerBuilder inProcess = InProcessServerBuilder.forName(endpoint.inProcessName)
        .directExecutor().fallbackHandlerRegistry(endpoint.unknownMethods);
    // No census stats (see LazyInProcessChannel).
    InternalInProcessServerBuilder.setStatsEnabled(inProcess, false);
    endpoint.services.forEach(inProcess::addService);
    endpoint.inProcess = startServer(inProcess);
    if (basePort >= 0) {
      try {
        endpoint.startTcp(basePort == 0 ? 0 : ServerSettings.clientPort(basePort, i));
      } catch (RuntimeException e) {
        // Not yet in endpoints, so close() would miss it.
        endpoint.gatewayChannel.shutdownNow();
        endpoint.inProcess.shutdownNow();
        awaitTermination(endpoint.inProcess);
        throw e;
      }
      uris.add(URI.create((ssl == null ? "http" : "https") + "://127.0.0.1:"
          + endpoint.tcp.getPort()));
    }
    endpoints.add(endpoint);
  }

  /**
   * What serves one member's clients. The in-process server runs until the cluster closes:
   * grpc-java's in-process transport starts a stream holding its own lock and runs our
   * interceptors, which take the cluster lock, inside it; and a stream made before that server's
   * shutdown but started after it meets a terminated server ({@code NullPointerException:
   * 'executor' must not be null}). A member whose process is down refuses in-process calls through
   * its link faults instead ({@link ClientLinkFaults#disconnect}); its Netty server, which has
   * neither problem, stops, so that its port refuses connections.
   */
  private final class Endpoint {
    /** Taken by this member's fault calls before, never inside, the cluster lock. */
    final ReentrantLock faults = new ReentrantLock();
    /** The member as failures name it: {@code m1(8e9e05c52164694d)}. */
    final String label;
    final String inProcessName;
    final ClientLinkFaults links;
    final List<ServerServiceDefinition> services;
    final UnknownMethods unknownMethods;
    final List<HttpRoute> routes;
    /** The gateway route's channel to {@link #inProcess}, closed with it. */
    final LazyInProcessChannel gatewayChannel;
    volatile Server inProcess;
    /** Null while the port is closed; changed only holding {@link #faults}. */
    volatile Server tcp;
    /** The port's protocol split, with {@link #tcp}. */
    volatile ClientPort port;

    Endpoint(String label, String inProcessName, ClientLinkFaults links,
        List<ServerServiceDefinition> services, List<HttpRoute> routes,
        LazyInProcessChannel gatewayChannel) {
      this.label = label;
      this.inProcessName = inProcessName;
      this.links = links;
      this.services = services;
      this.unknownMethods = new UnknownMethods(services);
      this.routes = routes;
      this.gatewayChannel = gatewayChannel;
    }

    void startTcp(int portNumber) {
      port = new ClientPort(ssl, routes, cluster.maxRequestBytes() + Cluster.RECEIVE_HEADROOM);
      NettyServerBuilder builder = NettyServerBuilder
          .forAddress(new InetSocketAddress("127.0.0.1", portNumber),
              InternalNettyServerCredentials.create(port))
          // Each connection's calls and stream messages reach the member in the order they came,
          // as etcd serves them: a watch created just before a put on the same connection sees it.
          // Handlers never wait under it (see ClusterLock#settle).
          .directExecutor()
          // jetcd pings every 30 s, even without calls; grpc-java's default would answer GOAWAY.
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          // Above etcd's limit, so that ReceiveInterceptor answers with etcd's text.
          .maxInboundMessageSize(TRANSPORT_MAX_MESSAGE)
          .fallbackHandlerRegistry(unknownMethods);
      // No census (see LazyInProcessChannel).
      InternalNettyServerBuilder.setStatsEnabled(builder, false);
      InternalNettyServerBuilder.setTracingEnabled(builder, false);
      services.forEach(builder::addService);
      try {
        tcp = builder.build().start();
      } catch (IOException e) {
        String address = "127.0.0.1:" + portNumber;
        if (!inUse(e)) {
          throw new UncheckedIOException("cannot start member " + label + ": cannot listen on "
              + address + " (" + e.getMessage() + ")", e);
        }
        // One cause type for a busy port, whichever Netty transport (NIO, epoll) bound it.
        BindException busy = new BindException(address + " is already in use");
        busy.initCause(e);
        throw new UncheckedIOException("cannot start member " + label + ": " + busy.getMessage(),
            busy);
      }
    }

  void closeConnections() {
      links.endOpenCalls();
      Server s = tcp;
      tcp = null;
      if (s != null) {
        // Not shutdownNow at once: its resets could overtake the trailers just queued, and the
        // client would see CANCELLED. Every call is ended, so the transports finish at once.
        s.shutdown();
        // gRPC's graceful shutdown ends its own connections only; HTTP ones are closed here.
        port.closeNonGrpc();
        awaitTermination(s);
        if (!s.isTerminated()) {
          s.shutdownNow();
          awaitTermination(s);
        }
      }
    }
  }

  @Override
  public void fault(int index, Runnable fault) {
    if (Thread.holdsLock(cluster.lock())) {
      throw new IllegalStateException("a process fault cannot be called holding the cluster lock");
    }
    Endpoint endpoint = endpoints.get(index);
    endpoint.faults.lock();
    try {
      fault.run();
    } finally {
      endpoint.faults.unlock();
    }
  }

  @Override
  public void refuse(int index) {
    endpoints.get(index).links.disconnect();
  }

  @Override
  public void accept(int index) {
    endpoints.get(index).links.connect();
  }

  @Override
  public void closeConnections(int index) {
    endpoints.get(index).closeConnections();
  }

  @Override
  public void reopen(int index) {
    if (!uris.isEmpty()) {
      endpoints.get(index).startTcp(uris.get(index).getPort());
    }
  }

  @Override
  public String inProcessName(int index) {
    return endpoints.get(index).inProcessName;
  }

  @Override
  public List<URI> uris() {
    return uris;
  }

  @Override
  public void close() {
    if (watchdog != null) {
      watchdog.stop();
    }
    synchronized (cluster.lock()) {
      for (Endpoint endpoint : endpoints) {
        endpoint.links.disconnect();
      }
    }
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint endpoint = endpoints.get(i);
      fault(i, () -> {
        endpoint.closeConnections();
        endpoint.gatewayChannel.shutdownNow();
        Server inProcess = endpoint.inProcess;
        if (inProcess != null) {
          inProcess.shutdownNow();
          awaitTermination(inProcess);
        }
      });
    }
  }

  private static void awaitTermination(Server s) {
    try {
      s.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether a bind failed for a port already taken: NIO's BindException, epoll's errno text. */
  private static boolean inUse(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static Server startServer(io.grpc.ServerBuilder<?> builder) {
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a member's gRPC server", e);
    }
  }
}
