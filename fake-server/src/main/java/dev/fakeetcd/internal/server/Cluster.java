package dev.fakeetcd.internal.server;

import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.backend.SnapshotFormat;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.membership.Membership;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimCluster;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.sim.SimNetwork;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.transport.Arrivals;
import dev.fakeetcd.internal.transport.CallTrace;
import dev.fakeetcd.internal.transport.ClientLinkFaults;
import dev.fakeetcd.internal.transport.HasLeaderInterceptor;
import dev.fakeetcd.internal.transport.InProcessClient;
import dev.fakeetcd.internal.transport.LearnerInterceptor;
import dev.fakeetcd.internal.transport.ReceiveLimitInterceptor;
import dev.fakeetcd.internal.v3election.ElectionService;
import dev.fakeetcd.internal.v3lock.LockService;
import dev.fakeetcd.internal.v3rpc.ClusterService;
import dev.fakeetcd.internal.rpctypes.DeepParsing;
import dev.fakeetcd.internal.rpctypes.EtcdException;
import dev.fakeetcd.internal.v3rpc.KvService;
import dev.fakeetcd.internal.v3rpc.LeaseService;
import dev.fakeetcd.internal.v3rpc.MaintenanceService;
import dev.fakeetcd.internal.v3rpc.SendQueue;
import dev.fakeetcd.internal.v3rpc.WatchService;
import io.grpc.Context;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A simulated etcd cluster serving the etcd v3 gRPC API: one {@link SimCluster} of members whose
 * state machines are MVCC stores, and per member a gRPC server on an in-process name and, if asked,
 * on a 127.0.0.1 port. The front door ({@code dev.fakeetcd.FakeEtcd}) is the public way in.
 *
 * <p>Threads: the simulation is single-threaded; every entry point runs under one lock, the virtual
 * clock's monitor, so a test thread advancing the clock, gRPC threads and the wall-clock driver
 * take turns. After handing a request over, the caller runs the simulation until idle (and, in
 * AUTO_ADVANCE mode, jumps time while the request waits); responses complete asynchronously, from
 * whichever thread runs the event that finishes them.
 */
public final class Cluster implements AutoCloseable {

  /** grpc-java's default limit is below etcd's; etcd allows max-request-bytes plus 512 KiB. */
  public static final int RECEIVE_HEADROOM = 512 * 1024;
  /** What the Netty transport buffers at most; bigger messages get grpc-java's own refusal. */
  private static final int TRANSPORT_MAX_MESSAGE = 256 * 1024 * 1024;
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final SimCluster<EtcdStateMachine> sim;
  private final SimClock clock;
  private final int maxTxnOps;
  private final int maxRequestBytes;
  private final Duration requestTimeout;
  private final TreeMap<Long, MemberServer> servers = new TreeMap<>();
  private final BackendQuota quota = new BackendQuota();
  /** Member ids by member index; grows under the cluster lock, read from any thread. */
  private final List<Long> memberIds = new CopyOnWriteArrayList<>();
  private final List<URI> endpoints = new CopyOnWriteArrayList<>();
  /** What serves each member's clients, by member index. */
  private final List<Endpoint> grpc = new CopyOnWriteArrayList<>();
  /** Threads about to take the cluster lock to hand the simulation work (see {@link #settle}). */
  private final AtomicInteger arrivals = new AtomicInteger();
  /** Counts each call among the {@link #arrivals} until it has handed the simulation its work. */
  private final Arrivals arriving = new Arrivals(arrivals);
  /** etcd's --auto-compaction-mode, null when off, and -retention (see {@link AutoCompactor}). */
  private final String autoCompactionMode;
  private final long autoCompactionRetention;
  private final TreeMap<Long, AutoCompactor> compactors = new TreeMap<>();
  /**
   * Hands replies, watch responses and delayed ones ({@link ClientLinkFaults}) to gRPC outside the
   * cluster lock (see {@link #reply}, {@link WatchStream}), ends streams for the leader monitor
   * ({@link HasLeaderInterceptor}) and closes removed members' ports.
   */
  private final ExecutorService watchSender = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-etcd-watch-sender");
    t.setDaemon(true);
    return t;
  });
  /** Every stream's sends, in one task at a time. */
  private final SendQueue watchSends = new SendQueue(watchSender);
  /** etcd's --experimental-watch-progress-notify-interval, without its random jitter. */
  private volatile Duration watchProgressNotifyInterval = Duration.ofMinutes(10);
  private final WallClockDriver driver;
  /** In MANUAL mode: warns about calls that wait for time nobody moves. */
  private final StuckCallWatchdog watchdog;
  private final Membership membership;
  /** As given to {@link #start}, for members started later. */
  private int basePort;
  private long instance;
  /** etcd's minimum lease TTL in seconds, from the election settings (reference §0). */
  private final long minLeaseTtl;
  /** What lease ID generators start from. */
  private final long leaseIdSeed;
  /** etcd's --experimental-enable-lease-checkpoint (5 min interval when on); zero = off. */
  private final Duration leaseCheckpointInterval;

  private Cluster(long seed, SimConfig config, ServerSettings settings) {
    this.maxTxnOps = settings.maxTxnOps();
    this.autoCompactionMode = settings.autoCompactionMode();
    this.autoCompactionRetention = settings.autoCompactionRetention();
    this.maxRequestBytes = settings.maxRequestBytes();
    this.leaseCheckpointInterval = settings.leaseCheckpointInterval();
    quota.set(settings.quotaBackendBytes());
    byte[] restoredState = settings.restoredState();
    // etcd: 5 s plus two election timeouts (reference §0).
    this.requestTimeout = Duration.ofSeconds(5).plus(config.election().multipliedBy(2));
    long heartbeat = config.heartbeat().toNanos();
    long minTtlNanos = (3 * (config.election().toNanos() / heartbeat) / 2) * heartbeat;
    this.minLeaseTtl = (minTtlNanos + 999_999_999L) / 1_000_000_000L;
    // Lease IDs live on in a restored state; new ones must not repeat them when the seed is the
    // same, as etcd's do not (its ID counter starts at the wall clock).
    this.leaseIdSeed = restoredState == null ? seed
        : seed ^ ByteBuffer.wrap(SnapshotFormat.sha256(restoredState)).getLong();
    this.sim = SimCluster.start(seed, config, id -> {
      MemberServer member = servers.computeIfAbsent(id, i -> new MemberServer(i, this));
      return new EtcdStateMachine(member, member.leases().newLessor(), member.backend());
    }, restoredState == null ? null
        : voters -> EtcdStateMachine.withMembers(restoredState, MemberList.bootstrap(voters)));
    this.clock = sim.clock();
    for (MemberServer member : servers.values()) {
      member.leases().startScans();
    }
    for (SimMember<EtcdStateMachine> m : sim.members()) {
      memberIds.add(m.id());
    }
    this.membership = new Membership(this, memberIds);
    this.driver = config.clockMode() == VirtualClock.Mode.WALL_CLOCK ? new WallClockDriver(clock) : null;
    this.watchdog = config.clockMode() == VirtualClock.Mode.MANUAL ? new StuckCallWatchdog(this)
        : null;
  }

  /** Starts a cluster and waits (in virtual time) for its first leader. */
  public static Cluster start(long seed, SimConfig config, ServerSettings settings) {
    Cluster server = new Cluster(seed, config, settings);
    try {
      synchronized (server.clock) {
        // As etcd's: every member's compactor starts with its server, before the first election.
        for (long id : server.memberIds) {
          server.startCompactor(id);
        }
        server.sim.awaitLeader(config.election().multipliedBy(50));
      }
      server.startGrpc(settings.basePort());
      if (server.driver != null) {
        server.driver.start();
      }
      if (server.watchdog != null) {
        server.watchdog.start();
      }
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Reads a snapshot file of a fake member, as {@code etcdctl snapshot save} writes it (the
   * Snapshot stream's data, then their SHA-256), for {@link ServerSettings#restoredState}.
   *
   * @throws IllegalArgumentException naming the file if it is not a fake-etcd snapshot (a real
   *     etcd's bbolt snapshot, say) or its SHA-256 trailer does not match
   */
  public static byte[] readSnapshot(Path file) throws IOException {
    return SnapshotFormat.readFile(file);
  }

  private void startCompactor(long id) {
    if (autoCompactionMode != null) {
      compactors.put(id, AutoCompactor.start(servers.get(id), this, autoCompactionMode,
          autoCompactionRetention));
    }
  }

  private void stopCompactor(long id) {
    AutoCompactor compactor = compactors.remove(id);
    if (compactor != null) {
      compactor.stop();
    }
  }

  private void startGrpc(int basePort) {
    this.basePort = basePort;
    this.instance = INSTANCES.incrementAndGet();
    for (int i = 0; i < memberIds.size(); i++) {
      startMemberGrpc(i);
    }
  }

  /** Makes and starts member {@code i}'s gRPC servers; not under the cluster lock. */
  private void startMemberGrpc(int i) {
    MemberServer member = servers.get(memberIds.get(i));
    ClientLinkFaults faults = new ClientLinkFaults(this);
    // The last interceptor runs first: injected link faults, then the receive limit, as grpc-go
    // checks it before any handler, then etcd's own checks in its order.
    ServerInterceptor[] interceptors = {new HasLeaderInterceptor(this, member, watchSender),
        new LearnerInterceptor(this, member),
        new ReceiveLimitInterceptor(maxRequestBytes + RECEIVE_HEADROOM), CallTrace.INSTANCE,
        faults, arriving};
    ServerServiceDefinition kv = ServerInterceptors.intercept(
        DeepParsing.requests(new KvService(this, member).bindService()), interceptors);
    ServerServiceDefinition maintenance = ServerInterceptors.intercept(
        new MaintenanceService(this, member), interceptors);
    ServerServiceDefinition cluster = ServerInterceptors.intercept(
        new ClusterService(this, member), interceptors);
    ServerServiceDefinition watch = ServerInterceptors.intercept(
        new WatchService(this, member), interceptors);
    ServerServiceDefinition lease = ServerInterceptors.intercept(
        DeepParsing.requests(new LeaseService(this, member).bindService()), interceptors);
    InProcessClient inProcessClient = new InProcessClient(this, member);
    ServerServiceDefinition lock = ServerInterceptors.intercept(
        DeepParsing.requests(new LockService(inProcessClient).bindService()), interceptors);
    ServerServiceDefinition election = ServerInterceptors.intercept(DeepParsing.requests(
        new ElectionService(inProcessClient, clock, watchSender).bindService()), interceptors);
    Endpoint endpoint = new Endpoint(member.id(), "fake-etcd-" + instance + "-" + i, faults,
        List.of(kv, maintenance, cluster, watch, lease, lock, election));
    // Direct executor: an in-process call reaches the simulation on the caller's thread, so a
    // request sent asynchronously is registered before the caller moves the clock.
    InProcessServerBuilder inProcess = InProcessServerBuilder.forName(endpoint.inProcessName)
        .directExecutor();
    endpoint.services.forEach(inProcess::addService);
    endpoint.inProcess = startServer(inProcess);
    if (basePort >= 0) {
      endpoint.startTcp(basePort == 0 ? 0 : basePort + i);
      endpoints.add(URI.create("http://127.0.0.1:" + endpoint.tcp.getPort()));
    }
    grpc.add(endpoint);
  }

  /**
   * What serves one member's clients. The in-process server runs until the cluster closes:
   * grpc-java's in-process transport starts a stream holding its own lock and runs our
   * interceptors, which take the cluster lock, inside it; and a stream made before that server's
   * shutdown but started after it meets a terminated server ({@code NullPointerException: 'executor' must not be null}). A
   * member whose process is down refuses in-process calls through its link faults instead
   * ({@link ClientLinkFaults#disconnect}); its Netty server, which has neither problem, stops, so
   * that its port refuses connections.
   */
  private final class Endpoint {
    /** Taken by this member's fault calls before, never inside, the cluster lock. */
    final ReentrantLock faults = new ReentrantLock();
    final long id;
    final String inProcessName;
    final ClientLinkFaults links;
    final List<ServerServiceDefinition> services;
    volatile Server inProcess;
    /** Null while the port is closed; changed only holding {@link #faults}. */
    volatile Server tcp;

    Endpoint(long id, String inProcessName, ClientLinkFaults links,
        List<ServerServiceDefinition> services) {
      this.id = id;
      this.inProcessName = inProcessName;
      this.links = links;
      this.services = services;
    }

    void startTcp(int port) {
      NettyServerBuilder builder = NettyServerBuilder
          .forAddress(new InetSocketAddress("127.0.0.1", port))
          // Each connection's calls and stream messages reach the member in the order they came,
          // as etcd serves them: a watch created just before a put on the same connection sees it.
          // Handlers never wait under it (see settle).
          .directExecutor()
          // jetcd pings every 30 s, even without calls; grpc-java's default would answer GOAWAY.
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          // Above etcd's limit, so that ReceiveLimitInterceptor answers with etcd's text.
          .maxInboundMessageSize(TRANSPORT_MAX_MESSAGE);
      services.forEach(builder::addService);
      tcp = startServer(builder);
    }

    /** Starts the port again, if the cluster listens on TCP; holding {@link #faults}. */
    void reopen() {
      int index = grpc.indexOf(this);
      if (!endpoints.isEmpty()) {
        startTcp(endpoints.get(index).getPort());
      }
    }

    /**
     * Ends every open call as a process that went away ends them, then closes the port and waits
     * until it is free; holding {@link #faults}, not the cluster lock. New calls must already be
     * refused ({@link ClientLinkFaults#disconnect}).
     */
    void closeConnections() {
      links.endOpenCalls();
      Server s = tcp;
      tcp = null;
      if (s != null) {
        // Not shutdownNow at once: its resets could overtake the trailers just queued, and the
        // client would see CANCELLED. Every call is ended, so the transports finish at once.
        s.shutdown();
        awaitTermination(s);
        if (!s.isTerminated()) {
          s.shutdownNow();
          awaitTermination(s);
        }
      }
    }
  }

  private static void awaitTermination(Server s) {
    try {
      s.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Server startServer(io.grpc.ServerBuilder<?> builder) {
    try {
      return builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a member's gRPC server", e);
    }
  }

  // ---- the lock ----

  /**
   * Runs {@code action} on {@code member} under the cluster lock, then lets the simulation settle
   * around it (see {@link #settle}). A paused member takes the call only when it resumes, and
   * answers only while running. The answer never goes out under the cluster lock.
   */
  public <T> void call(MemberServer member, StreamObserver<T> responses,
      Supplier<CompletableFuture<T>> action) {
    var started = new Object() {
      CompletableFuture<T> future;
      boolean inTimer;
    };
    boolean counted = enter();
    clock.locked(() -> {
      arrived(counted);
      CallTrace.record(sim.trace(), member.id());
      if (sim.member(member.id()).isPaused()) {
        Context context = Context.current();
        member.whenRunning(() -> {
          if (!context.isCancelled()) {
            call(member, responses, action);
          }
        });
        return;
      }
      try {
        started.future = action.get();
      } catch (RuntimeException e) {
        started.future = CompletableFuture.failedFuture(e);
      }
      started.inTimer = clock.isRunning(); // a callback in a timer: the running loop gets to it
    });
    CompletableFuture<T> future = started.future;
    if (future == null) {
      return; // parked until the member resumes
    }
    if (!started.inTimer) {
      settle(waitingFor(future));
    }
    future.whenComplete((response, failure) -> member.whenRunning(() -> reply(() -> {
      if (failure == null) {
        responses.onNext(response);
        responses.onCompleted();
      } else {
        responses.onError(toStatus(failure));
      }
    })));
  }

  private static BooleanSupplier waitingFor(CompletableFuture<?> future) {
    return () -> !future.isDone();
  }

  /**
   * Counts the calling thread among those about to take the cluster lock with work, unless it
   * holds the lock already; {@link #arrived} with the result once it has the lock.
   */
  private boolean enter() {
    if (Thread.holdsLock(clock)) {
      return false;
    }
    arrivals.incrementAndGet();
    return true;
  }

  private void arrived(boolean counted) {
    if (counted) {
      arrivals.decrementAndGet();
    }
    Arrivals.arrived(arrivals); // this thread holds the lock now, its call's work goes in
  }

  /**
   * Runs the simulation while {@code waiting} holds (read under the lock): what is due now; in
   * AUTO_ADVANCE mode then time jumps to the next timer, one timer instant per step, for at most
   * the request timeout plus an election timeout (every waiting request has its own timeout timer
   * within that). Each step takes the cluster lock and releases it, so that other callers run in
   * between, and time jumps only while no other thread is entering the cluster with work
   * ({@link #arrivals}): what other threads can do now comes before any jump. A single-threaded
   * test sees the same steps, in the same order, on every run.
   *
   * <p>Called under the lock (from a fault call, say, resuming parked calls) it settles in one
   * piece, as that caller holds the lock anyway.
   */
  public void settle(BooleanSupplier waiting) {
    settle(waiting, requestTimeout.plus(sim.config().election()));
  }

  /**
   * As {@link #settle(BooleanSupplier)}, jumping at most {@code maxJump}. On a transport thread
   * (Netty's event loop, which serves one connection's calls in the order they came) the steps run
   * on the sender pool, so that a waiting call does not hold up the next call on its connection.
   */
  public void settle(BooleanSupplier waiting, Duration maxJump) {
    Arrivals.arrived(arrivals); // a call that waits is no longer on its way in
    if (Thread.holdsLock(clock)) {
      if (!clock.isRunning()) {
        clock.autoAdvance(waiting, maxJump);
      }
      return;
    }
    if (clock.mode() == VirtualClock.Mode.AUTO_ADVANCE
        && Thread.currentThread() instanceof FastThreadLocalThread) {
      offLock(() -> steps(waiting, maxJump));
    } else {
      steps(waiting, maxJump);
    }
  }

  private void steps(BooleanSupplier waiting, Duration maxJump) {
    long[] limit = {-1};
    while (true) {
      boolean[] over = {false};
      clock.locked(() -> {
        clock.runUntilIdle();
        if (!waiting.getAsBoolean() || clock.mode() != VirtualClock.Mode.AUTO_ADVANCE) {
          over[0] = true;
          return;
        }
        if (limit[0] < 0) {
          limit[0] = clock.nanos() + maxJump.toNanos();
        }
        // Nothing left to run before the limit: the wait goes on without us.
        over[0] = arrivals.get() == 0 && !clock.jumpToNextTimer(limit[0]);
      });
      if (over[0]) {
        return;
      }
      if (arrivals.get() > 0) {
        Thread.yield(); // let them in first
      }
    }
  }

  /**
   * Sends an answer outside the cluster lock: at once if the caller does not hold it, else on the
   * thread that holds it once it lets go (see {@link SimClock#whenReleased}), so that a test
   * moving time has its answers when it moves on. The transport may run client code on the sending
   * thread (in-process: even the client's next call).
   */
  public void reply(Runnable send) {
    clock.whenReleased(send, this::offLock);
  }

  /** Runs {@code task} on the sender pool; nothing if the cluster is closed. */
  private void offLock(Runnable task) {
    try {
      watchSender.execute(task);
    } catch (RejectedExecutionException e) {
      // the cluster is closed; its transports ended the call
    }
  }

  public static StatusRuntimeException toStatus(Throwable failure) {
    Throwable cause = EtcdException.cause(failure);
    if (cause instanceof EtcdException e) {
      return e.asStatusException();
    }
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    return io.grpc.Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause)
        .asRuntimeException();
  }

  /** Runs {@code action} under the cluster lock, then whatever it made due now; any thread. */
  public void run(Runnable action) {
    boolean counted = enter();
    clock.locked(() -> {
      arrived(counted);
      action.run();
      if (!clock.isRunning()) {
        clock.runUntilIdle();
      }
    });
  }

  /** Answers {@code query} under the cluster lock; any thread. */
  public <T> T query(Supplier<T> query) {
    synchronized (clock) {
      return query.get();
    }
  }

  // ---- for the services ----

  public SimCluster<EtcdStateMachine> sim() {
    return sim;
  }

  int maxTxnOps() {
    return maxTxnOps;
  }

  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration election() {
    return sim.config().election();
  }

  public long leaseIdSeed() {
    return leaseIdSeed;
  }

  public long minLeaseTtl() {
    return minLeaseTtl;
  }

  public Executor watchSender() {
    return watchSends;
  }

  public Duration watchProgressNotifyInterval() {
    return watchProgressNotifyInterval;
  }

  public Duration leaseCheckpointInterval() {
    return leaseCheckpointInterval;
  }

  BackendQuota quota() {
    return quota;
  }

  public MemberServer memberServer(long id) {
    return servers.get(id);
  }

  public Membership membership() {
    return membership;
  }

  public Optional<URI> endpoint(int index) {
    return endpoints.isEmpty() ? Optional.empty() : Optional.of(endpoints.get(index));
  }

  /**
   * Member {@code id} left the cluster (under the lock, as it applies its removal): a started one
   * refuses calls at once, its open calls end as its process exits, and its port closes.
   */
  public void removed(long id) {
    int index = memberIds.indexOf(id);
    if (index >= 0) {
      stopCompactor(id);
      servers.get(id).stopped();
      // Started members only; not under the lock, as a fault call would do it.
      Endpoint endpoint = grpc.get(index);
      endpoint.links.disconnect();
      offLock(() -> withFaultLock(endpoint, endpoint::closeConnections));
    }
  }

  /** Runs a fault on a member's endpoint: one per member at a time, never under the lock. */
  private void withFaultLock(Endpoint endpoint, Runnable fault) {
    if (Thread.holdsLock(clock)) {
      throw new IllegalStateException("a process fault cannot be called holding the cluster lock");
    }
    endpoint.faults.lock();
    try {
      fault.run();
    } finally {
      endpoint.faults.unlock();
    }
  }

  // ---- for the front door ----

  /** The lock every entry point holds; the simulation is never touched without it. */
  public Object lock() {
    return clock;
  }

  public SimClock clock() {
    return clock;
  }

  public SimNetwork network() {
    return sim.network();
  }

  public long seed() {
    return sim.seed();
  }

  public long clusterId() {
    return sim.clusterId();
  }

  /** Member ids, in member index order. */
  public List<Long> memberIds() {
    return List.copyOf(memberIds);
  }

  public static String memberName(int index) {
    return SimCluster.memberName(index);
  }

  /**
   * The member list as MemberList answers it on the member that is up and has applied the most:
   * added and started members, by unsigned ID.
   */
  public List<dev.fakeetcd.api.Member> memberList() {
    synchronized (clock) {
      return membership.all();
    }
  }

  /** The in-process server name of member {@code index}. */
  public String inProcessName(int index) {
    return grpc.get(index).inProcessName;
  }

  /** {@code http://127.0.0.1:port} of each member, in index order; empty without TCP. */
  public List<URI> endpoints() {
    return List.copyOf(endpoints);
  }

  /** The simulated member {@code id}; call its methods only while holding {@link #lock()}. */
  public SimMember<EtcdStateMachine> member(long id) {
    return sim.member(id);
  }

  public Trace trace() {
    return sim.trace();
  }

  /** Records a request on an open stream of {@code member} ({@link CallTrace}); under the lock. */
  public void traceRequest(long member, String what) {
    CallTrace.record(sim.trace(), member, what);
  }

  /** How many members have their gRPC servers made (members started later come last). */
  int servedMembers() {
    return grpc.size();
  }

  /** In MANUAL mode: how long a call waits, with the clock still, before the warning; for tests. */
  void stuckCallWarningAfter(Duration threshold) {
    watchdog.threshold(threshold);
  }

  /** The client-link faults of member {@code index}. */
  public ClientLinkFaults linkFaults(int index) {
    return grpc.get(index).links;
  }

  /** Member {@code id}'s store revision; call only while holding {@link #lock()}. */
  public long revision(long id) {
    return sim.member(id).stateMachine().store().revision();
  }

  /**
   * Closes every client connection of member {@code index}, as a restart of its process would:
   * calls in flight (watch streams too) fail with UNAVAILABLE and clients reconnect to the same
   * name and port. Any thread.
   */
  public void dropClientConnections(int index) {
    Endpoint endpoint = grpc.get(index);
    withFaultLock(endpoint, () -> {
      clock.locked(endpoint.links::disconnect);
      endpoint.closeConnections();
      boolean[] up = {false};
      clock.locked(() -> {
        up[0] = sim.member(endpoint.id).isUp();
        if (up[0]) {
          endpoint.links.connect();
        }
      });
      if (up[0]) {
        endpoint.reopen();
      }
    });
  }

  /**
   * Starts member {@code id}, which a MemberAdd call added and nobody started yet, with an empty
   * disk: it joins the cluster as a real new member would, publishes its name and serves on new
   * endpoints. Returns its member index. Any thread, one at a time.
   */
  public synchronized int startAddedMember(long id) {
    int index = memberIds.size();
    clock.locked(() -> {
      if (!membership.isStartable(id)) {
        throw new IllegalStateException("member " + Long.toUnsignedString(id, 16)
            + " is not an added, never started member");
      }
      sim.member(id).restart();
      servers.get(id).leases().startScans();
      memberIds.add(id);
      membership.started(id);
      startCompactor(id);
      clock.runUntilIdle();
    });
    startMemberGrpc(index);
    return index;
  }

  /** Asks the leader to hand over to member {@code id}; done at once on a healthy network. */
  public void transferLeadership(long id) {
    clock.locked(() -> sim.transferLeadership(id));
  }

  /**
   * How often watchers that asked for progress notifications hear of the current revision while
   * they get no events (etcd's default: 10 minutes of virtual time); applies to streams opened
   * afterwards.
   */
  public void watchProgressNotifyInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("watch progress notify interval must be positive: "
          + interval);
    }
    watchProgressNotifyInterval = interval;
  }

  /**
   * Crashes member {@code id} as a SIGKILL would: its open calls and streams end as on a lost
   * connection (UNAVAILABLE), it refuses new ones (its port refuses connections) and its process
   * state is lost. Any thread.
   */
  public void crash(long id) {
    Endpoint endpoint = grpc.get(memberIds.indexOf(id));
    withFaultLock(endpoint, () -> {
      clock.locked(() -> {
        if (!sim.member(id).isUp()) {
          throw new IllegalStateException("crash: member " + Long.toUnsignedString(id, 16)
              + " is not up");
        }
        endpoint.links.disconnect();
      });
      // Before the process state goes: what the member would still send is lost with it.
      endpoint.closeConnections();
      clock.locked(() -> {
        stopCompactor(id);
        sim.member(id).crash();
        servers.get(id).stopped();
        clock.runUntilIdle();
      });
    });
  }

  /**
   * Restarts crashed member {@code id} from its disk; it serves again on the same endpoints (once
   * the crash has freed its port). Any thread.
   */
  public void restart(long id) {
    Endpoint endpoint = grpc.get(memberIds.indexOf(id));
    withFaultLock(endpoint, () -> {
      clock.locked(() -> {
        sim.member(id).restart();
        startCompactor(id);
        clock.runUntilIdle();
        endpoint.links.connect();
      });
      endpoint.reopen();
    });
  }

  /** Freezes member {@code id}: it takes and answers no call until {@link #resume}. Any thread. */
  public void pause(long id) {
    withFaultLock(grpc.get(memberIds.indexOf(id)), () -> {
      clock.locked(() -> sim.member(id).pause());
    });
  }

  /**
   * Lets paused member {@code id} run on: it handles what waited, then the calls that waited. Any
   * thread.
   */
  public void resume(long id) {
    withFaultLock(grpc.get(memberIds.indexOf(id)), () -> {
      clock.locked(() -> {
        sim.member(id).resume();
        servers.get(id).resumed();
        clock.runUntilIdle();
      });
    });
  }

  public Optional<Long> leaderId() {
    synchronized (clock) {
      return sim.leader().map(SimMember::id);
    }
  }

  public long awaitLeader(Duration max) {
    synchronized (clock) {
      return sim.awaitLeader(max).id();
    }
  }

  /** How a caller of {@link #leases} sees one lease. */
  @FunctionalInterface
  public interface LeaseView<T> {
    /** @param remainingNanos {@code Long.MAX_VALUE} while the leader's lessor has not taken over */
    T of(long id, long grantedTtlSeconds, long remainingNanos);
  }

  /** Every lease as the leader's lessor sees it, soonest expiry first. */
  public <T> List<T> leases(LeaseView<T> view) {
    synchronized (clock) {
      long leader = sim.awaitLeader(requestTimeout).id();
      return servers.get(leader).leases().list(view);
    }
  }

  /**
   * Makes lease {@code id} expire now on the leader and proposes its revoke, as the leader's
   * expiry scan would; returns false if the leader's lessor does not hold it (yet).
   */
  public boolean expireLease(long id) {
    synchronized (clock) {
      long leader = sim.awaitLeader(requestTimeout).id();
      boolean expired = servers.get(leader).leases().expireNow(id);
      clock.runUntilIdle();
      return expired;
    }
  }

  /** Whether an open keepalive stream on any member renews lease {@code id}. */
  public boolean isKeptAlive(long id) {
    synchronized (clock) {
      return servers.values().stream().anyMatch(s -> s.leases().isKeptAlive(id));
    }
  }

  /** Compacts the whole cluster at {@code revision} through Raft, from the leader. */
  public CompactionResponse compact(long revision) {
    return fromLeader("compaction at " + revision, m -> m.compact(
        CompactionRequest.newBuilder().setRevision(revision).build()));
  }

  /** An Alarm request (GET, ACTIVATE, DEACTIVATE) through Raft, from the leader. */
  public AlarmResponse alarm(AlarmRequest request) {
    return fromLeader("alarm " + request.getAction(), m -> m.alarm(request));
  }

  /** Runs a Raft request on the leader and waits for it without time passing. */
  private <T> T fromLeader(String what, Function<MemberServer, CompletableFuture<T>> request) {
    synchronized (clock) {
      long leader = sim.awaitLeader(requestTimeout).id();
      CompletableFuture<T> future = request.apply(servers.get(leader));
      settle(waitingFor(future));
      clock.runUntilIdle();
      if (!future.isDone()) {
        throw new IllegalStateException(what + " did not finish without time"
            + " passing (seed " + sim.seed() + "):" + sim.describeMembers());
      }
      try {
        return future.join();
      } catch (CompletionException e) {
        throw (RuntimeException) toStatus(e);
      }
    }
  }

  /** Stops every gRPC server (freeing its port) and the wall-clock driver; idempotent. */
  @Override
  public void close() {
    if (driver != null) {
      driver.stop();
    }
    if (watchdog != null) {
      watchdog.stop();
    }
    synchronized (clock) {
      for (long id : memberIds) {
        stopCompactor(id);
      }
      for (Endpoint endpoint : grpc) {
        endpoint.links.disconnect();
      }
    }
    for (Endpoint endpoint : grpc) {
      withFaultLock(endpoint, () -> {
        endpoint.closeConnections();
        Server inProcess = endpoint.inProcess;
        if (inProcess != null) {
          inProcess.shutdownNow();
          awaitTermination(inProcess);
        }
      });
    }
    watchSender.shutdownNow();
  }
}
