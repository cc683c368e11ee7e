package dev.fakeetcd.internal.server;

import com.google.protobuf.Message;
import dev.fakeetcd.VirtualClock;
import dev.fakeetcd.api.AlarmRequest;
import dev.fakeetcd.api.AlarmResponse;
import dev.fakeetcd.api.CompactionRequest;
import dev.fakeetcd.api.CompactionResponse;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.internal.apply.EtcdStateMachine;
import dev.fakeetcd.internal.auth.AuthTokenSpec;
import dev.fakeetcd.internal.auth.Credentials;
import dev.fakeetcd.internal.backend.BackendQuota;
import dev.fakeetcd.internal.backend.SnapshotFormat;
import dev.fakeetcd.internal.history.HistoryRecorder;
import dev.fakeetcd.internal.membership.MemberList;
import dev.fakeetcd.internal.sim.SimClock;
import dev.fakeetcd.internal.sim.SimCluster;
import dev.fakeetcd.internal.sim.SimConfig;
import dev.fakeetcd.internal.sim.SimMember;
import dev.fakeetcd.internal.sim.SimNetwork;
import dev.fakeetcd.internal.sim.Trace;
import dev.fakeetcd.internal.wallclock.WallClockDriver;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A simulated etcd cluster: one {@link SimCluster} of members whose state machines are MVCC
 * stores, each with its request path ({@link MemberServer}), and what serves their clients
 * ({@link ClientEndpoints}, made by the transport). The front door ({@code dev.fakeetcd.FakeEtcd})
 * is the public way in; this class sets the cluster up and is its facade for the front door and the
 * services.
 *
 * <p>Threads: the simulation is single-threaded; every entry point runs under one lock, the virtual
 * clock's monitor ({@link ClusterLock}), so a test thread advancing the clock, gRPC threads and the
 * wall-clock driver take turns. After handing a request over, the caller runs the simulation until
 * idle (and, in AUTO_ADVANCE mode, jumps time while the request waits); responses complete
 * asynchronously, from whichever thread runs the event that finishes them.
 */
public final class Cluster implements AutoCloseable {

  /** grpc-java's default limit is below etcd's; etcd allows max-request-bytes plus 512 KiB. */
  public static final int RECEIVE_HEADROOM = 512 * 1024;

  private final SimCluster<EtcdStateMachine> sim;
  private final SimClock clock;
  private final ClusterLock lock;
  private final int maxTxnOps;
  private final int maxRequestBytes;
  private final Duration requestTimeout;
  private final TreeMap<Long, MemberServer> servers = new TreeMap<>();
  private final BackendQuota quota = new BackendQuota();
  /** Member ids by member index; grows under the cluster lock, read from any thread. */
  private final List<Long> memberIds = new CopyOnWriteArrayList<>();
  /** What serves each member's clients; set once the first leader is elected. */
  private volatile ClientEndpoints endpoints;
  /** Every stream's sends, in one task at a time. */
  private final Executor sends;
  /** etcd's --auto-compaction-mode, null when off, and -retention (see {@link AutoCompactor}). */
  private final String autoCompactionMode;
  private final long autoCompactionRetention;
  private final TreeMap<Long, AutoCompactor> compactors = new TreeMap<>();
  /** etcd's --experimental-watch-progress-notify-interval, without its random jitter. */
  private volatile Duration watchProgressNotifyInterval = Duration.ofMinutes(10);
  private final WallClockDriver driver;
  private final Membership membership;
  private final PeerPorts peerPorts;
  /**
   * etcd's minimum lease TTL in seconds: 1.5 election timeouts in whole heartbeats, rounded up to
   * whole seconds ({@code minTTL} in etcd's {@code server/etcdserver/server.go}).
   */
  private final long minLeaseTtl;
  /** What lease ID generators start from. */
  private final long leaseIdSeed;
  /** etcd's --experimental-enable-lease-checkpoint (5 min interval when on); zero = off. */
  private final Duration leaseCheckpointInterval;
  private final long seed;
  private final AuthTokenSpec authToken;
  private final Duration authTokenTtl;
  private final int bcryptCost;
  private final boolean clientCertAuth;
  /** What the members' clients did and saw; null when recording is off. */
  private final HistoryRecorder history;
  /** The virtual clock as a {@link Clock}, for what is made before the simulation exists. */
  private final Clock virtualTime = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return clock.asClock().withZone(zone);
    }

    @Override
    public Instant instant() {
      return clock.now();
    }
  };

  private Cluster(long seed, SimConfig config, ServerSettings settings, Function<Executor,
      Executor> sendQueue) {
    this.peerPorts = new PeerPorts(config.members(), settings.basePort() >= 0);
    this.maxTxnOps = settings.maxTxnOps();
    this.autoCompactionMode = settings.autoCompactionMode();
    this.autoCompactionRetention = settings.autoCompactionRetention();
    this.maxRequestBytes = settings.maxRequestBytes();
    this.leaseCheckpointInterval = settings.leaseCheckpointInterval();
    quota.set(settings.quotaBackendBytes());
    this.seed = seed;
    this.authToken = settings.authToken();
    this.authTokenTtl = settings.authTokenTtl();
    this.bcryptCost = settings.bcryptCost();
    this.clientCertAuth = settings.clientCertAuth();
    byte[] restoredState = settings.restoredState();
    // etcd's ReqTimeout (etcd 3.4: etcdserver/config.go): 5 s plus two election timeouts.
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
      return new EtcdStateMachine(member.applied(), member.leases().newLessor(),
          member.backend(), member.auth().newTokens());
    }, restoredState == null ? null
        : voters -> EtcdStateMachine.withMembers(restoredState, MemberList.bootstrap(voters)));
    this.clock = sim.clock();
    this.history = settings.history() ? new HistoryRecorder(seed, clock::lastNanos) : null;
    this.lock = new ClusterLock(clock, sim.trace(), requestTimeout.plus(config.election()),
        sim::batchProposals);
    this.sends = sendQueue.apply(lock.sender());
    for (MemberServer member : servers.values()) {
      member.leases().startScans();
    }
    for (SimMember<EtcdStateMachine> m : sim.members()) {
      memberIds.add(m.id());
    }
    this.membership = new Membership(this, memberIds);
    this.driver = config.clockMode() == VirtualClock.Mode.WALL_CLOCK ? new WallClockDriver(clock)
        : null;
  }

  /**
   * Starts a cluster, waits (in virtual time) for its first leader, then has {@code wiring} serve
   * its clients.
   */
  public static Cluster start(long seed, SimConfig config, ServerSettings settings,
      ClientEndpoints.Wiring wiring) {
    Cluster cluster = new Cluster(seed, config, settings, wiring::sendQueue);
    try {
      synchronized (cluster.clock) {
        // As etcd's: every member's compactor starts with its server, before the first election.
        for (long id : cluster.memberIds) {
          cluster.startCompactor(id);
        }
        cluster.sim.awaitLeader(config.election().multipliedBy(50));
      }
      cluster.endpoints = wiring.serve(cluster);
      if (cluster.driver != null) {
        cluster.driver.start();
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
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

  // ---- the lock (see ClusterLock) ----

  /** As {@link ClusterLock#call}. */
  public <T> void call(MemberServer member, StreamObserver<T> responses,
      Supplier<CompletableFuture<T>> action) {
    lock.call(member, responses, action);
  }

  /** As {@link ClusterLock#settle(BooleanSupplier)}. */
  public void settle(BooleanSupplier waiting) {
    lock.settle(waiting);
  }

  /** As {@link ClusterLock#settle(BooleanSupplier, Duration)}. */
  public void settle(BooleanSupplier waiting, Duration maxJump) {
    lock.settle(waiting, maxJump);
  }

  /** As {@link ClusterLock#reply}. */
  public void reply(Runnable send) {
    lock.reply(send);
  }

  /** As {@link ClusterLock#toStatus}. */
  public static StatusRuntimeException toStatus(Throwable failure) {
    return ClusterLock.toStatus(failure);
  }

  /** As {@link ClusterLock#run}. */
  public void run(Runnable action) {
    lock.run(action);
  }

  /** As {@link ClusterLock#query}. */
  public <T> T query(Supplier<T> query) {
    return lock.query(query);
  }

  /** Records a request on an open stream of {@code member} ({@link ClusterLock#trace}). */
  public void traceRequest(long member, String what) {
    lock.trace(member, what);
  }

  /** How calls go through the cluster lock; for the transport. */
  public ClusterLock callLock() {
    return lock;
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

  Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration election() {
    return sim.config().election();
  }

  long leaseIdSeed() {
    return leaseIdSeed;
  }

  long minLeaseTtl() {
    return minLeaseTtl;
  }

  public Executor watchSender() {
    return sends;
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

  /** Member {@code index}'s client URL, if the cluster listens on TCP. */
  Optional<URI> endpoint(int index) {
    List<URI> uris = endpoints.uris();
    return uris.isEmpty() ? Optional.empty() : Optional.of(uris.get(index));
  }

  /**
   * Member {@code id} left the cluster (under the lock, as it applies its removal): a started one
   * refuses calls at once, its open calls end as its process exits, and its port closes.
   */
  void removed(long id) {
    int index = memberIds.indexOf(id);
    if (index >= 0) {
      stopCompactor(id);
      servers.get(id).stopped();
      // Started members only; not under the lock, as a fault call would do it.
      endpoints.refuse(index);
      lock.offLock(() -> endpoints.fault(index, () -> endpoints.closeConnections(index)));
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
    return seed;
  }

  /** The recorded history of the members' client calls; null when recording is off. */
  public HistoryRecorder history() {
    return history;
  }

  /**
   * Starts {@code request} on member {@code member}, recorded in the history (when on) as a call
   * of {@code method}: for requests that reach a member without a gRPC call of their own (Lock's
   * and Election's, the test's and the auto-compactor's compactions), whose effects the checks
   * must see. A failure to start is the returned future's.
   */
  public <Q extends Message, T extends Message> CompletableFuture<T> recorded(long member,
      MethodDescriptor<Q, T> method, Q request, Supplier<CompletableFuture<T>> start) {
    HistoryRecorder.Call call = history == null ? null
        : history.invoke(member, method.getFullMethodName(), request);
    CompletableFuture<T> started;
    try {
      started = start.get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    if (call != null) {
      started.whenComplete((response, failure) -> {
        if (failure == null) {
          call.complete(response);
        } else {
          call.fail(toStatus(failure).getStatus());
        }
      });
    }
    return started;
  }

  public AuthTokenSpec authToken() {
    return authToken;
  }

  public Duration authTokenTtl() {
    return authTokenTtl;
  }

  public int bcryptCost() {
    return bcryptCost;
  }

  /** etcd's --client-cert-auth: a call without a token runs as its certificate's common name. */
  public boolean clientCertAuth() {
    return clientCertAuth;
  }

  /** Virtual time as a {@link Clock}. */
  public Clock virtualTime() {
    return virtualTime;
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
    return endpoints.inProcessName(index);
  }

  /** {@code http://127.0.0.1:port} of each member, in index order; empty without TCP. */
  public List<URI> endpoints() {
    return List.copyOf(endpoints.uris());
  }

  /** The simulated member {@code id}; call its methods only while holding {@link #lock()}. */
  public SimMember<EtcdStateMachine> member(long id) {
    return sim.member(id);
  }

  public Trace trace() {
    return sim.trace();
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
    long id = memberIds.get(index);
    endpoints.fault(index, () -> {
      clock.locked(() -> endpoints.refuse(index));
      endpoints.closeConnections(index);
      boolean[] up = {false};
      clock.locked(() -> {
        up[0] = sim.member(id).isUp();
        if (up[0]) {
          endpoints.accept(index);
        }
      });
      if (up[0]) {
        endpoints.reopen(index);
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
    endpoints.start(index);
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
    int index = memberIds.indexOf(id);
    endpoints.fault(index, () -> {
      clock.locked(() -> {
        if (!sim.member(id).isUp()) {
          throw new IllegalStateException("crash: member " + Long.toUnsignedString(id, 16)
              + " is not up");
        }
        endpoints.refuse(index);
      });
      // Before the process state goes: what the member would still send is lost with it.
      endpoints.closeConnections(index);
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
    int index = memberIds.indexOf(id);
    endpoints.fault(index, () -> {
      clock.locked(() -> {
        sim.member(id).restart();
        startCompactor(id);
        clock.runUntilIdle();
        endpoints.accept(index);
      });
      endpoints.reopen(index);
    });
  }

  /** Freezes member {@code id}: it takes and answers no call until {@link #resume}. Any thread. */
  public void pause(long id) {
    endpoints.fault(memberIds.indexOf(id), () -> {
      clock.locked(() -> {
        sim.member(id).pause();
        servers.get(id).paused();
      });
    });
  }

  /**
   * Lets paused member {@code id} run on: it handles what waited, then the calls that waited. Any
   * thread.
   */
  public void resume(long id) {
    endpoints.fault(memberIds.indexOf(id), () -> {
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
  /** Every member's tokens stop working now (see {@code AuthTokens#expireNow}). */
  public void expireTokens() {
    run(() -> {
      for (SimMember<EtcdStateMachine> m : sim.members()) {
        if (m.isUp()) {
          m.stateMachine().auth().tokens().expireAll();
        }
      }
    });
  }

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

  /** Compacts the whole cluster at {@code revision} through Raft, from the leader (recorded). */
  public CompactionResponse compact(long revision) {
    CompactionRequest request = CompactionRequest.newBuilder().setRevision(revision).build();
    return fromLeader("compaction at " + revision, m -> recorded(m.id(),
        KVGrpc.getCompactMethod(), request, () -> m.compact(request, Credentials.NONE)));
  }

  /** An Alarm request (GET, ACTIVATE, DEACTIVATE) through Raft, from the leader. */
  public AlarmResponse alarm(AlarmRequest request) {
    return fromLeader("alarm " + request.getAction(),
        m -> m.maintenance().alarm(request, Credentials.NONE));
  }

  /** Runs a Raft request on the leader and waits for it without time passing. */
  private <T> T fromLeader(String what, Function<MemberServer, CompletableFuture<T>> request) {
    synchronized (clock) {
      long leader = sim.awaitLeader(requestTimeout).id();
      CompletableFuture<T> future = request.apply(servers.get(leader));
      lock.settle(ClusterLock.waitingFor(future));
      clock.runUntilIdle();
      if (!future.isDone()) {
        throw new IllegalStateException(what + " did not finish without time"
            + " passing (seed " + sim.seed() + "):" + sim.describeMembers());
      }
      try {
        return future.join();
      } catch (CompletionException e) {
        throw (RuntimeException) ClusterLock.toStatus(e);
      }
    }
  }

  /** Stops every gRPC server (freeing its port) and the wall-clock driver; idempotent. */
  @Override
  public void close() {
    if (driver != null) {
      driver.stop();
    }
    synchronized (clock) {
      for (long id : memberIds) {
        stopCompactor(id);
      }
    }
    if (endpoints != null) {
      endpoints.close();
    }
    lock.close();
    peerPorts.close();
  }

  /** Bootstrap member {@code index}'s peer URL (see {@link PeerPorts}). */
  String peerUrl(int index) {
    return peerPorts.url(index);
  }
}
