package dev.fakeetcd.benchmarks;

import com.google.protobuf.ByteString;
import dev.fakeetcd.api.KVGrpc;
import dev.fakeetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd cluster of local processes on free 127.0.0.1 ports with a temporary data dir;
 * {@link #start} returns once a put through member 0 has succeeded. Always stopped: by
 * {@link #close()} and, should the harness die first, by a shutdown hook.
 */
final class RealEtcd implements AutoCloseable {

  static final String INSTALL_HINT = "no etcd at %s: install etcd 3.4 (Debian/Ubuntu: apt-get update"
      + " && apt-get install -y etcd-server etcd-client) or point ETCD_BIN at the binary";

  private final List<Process> processes = new ArrayList<>();
  private final List<URI> endpoints = new ArrayList<>();
  private final Path dataDir;
  private final Thread hook = new Thread(this::stop, "stop-real-etcd");

  private RealEtcd(Path dataDir) {
    this.dataDir = dataDir;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static Path binary() {
    Path bin = Path.of(System.getenv().getOrDefault("ETCD_BIN", "/usr/bin/etcd"));
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(String.format(INSTALL_HINT, bin));
    }
    return bin;
  }

  /** Starts {@code members} processes and waits until member 0 takes a put. */
  static RealEtcd start(int members, Path logDir) throws IOException {
    Path bin = binary();
    RealEtcd etcd = new RealEtcd(Files.createTempDirectory("bench-etcd"));
    try {
      int[] ports = freePorts(2 * members);
      StringBuilder initial = new StringBuilder();
      for (int i = 0; i < members; i++) {
        initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:")
            .append(ports[2 * i + 1]);
      }
      Files.createDirectories(logDir);
      for (int i = 0; i < members; i++) {
        String client = "http://127.0.0.1:" + ports[2 * i];
        String peer = "http://127.0.0.1:" + ports[2 * i + 1];
        File log = logDir.resolve("etcd-" + members + "-m" + i + ".log").toFile();
        etcd.processes.add(new ProcessBuilder(bin.toString(),
            "--name", "m" + i,
            "--data-dir", etcd.dataDir.resolve("m" + i).toString(),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
            "--initial-cluster-token", "bench-" + ports[0])
            .redirectErrorStream(true).redirectOutput(log).start());
        etcd.endpoints.add(URI.create(client));
      }
      etcd.awaitFirstPut(logDir);
      return etcd;
    } catch (IOException | RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  List<URI> endpoints() {
    return List.copyOf(endpoints);
  }

  /** Retries a put on member 0 (each attempt bounded) for at most 30 s. */
  private void awaitFirstPut(Path logDir) {
    URI first = endpoints.get(0);
    ManagedChannel channel = NettyChannelBuilder.forAddress(first.getHost(), first.getPort())
        .usePlaintext().build();
    try {
      PutRequest put = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("ready"))
          .setValue(ByteString.copyFromUtf8("1")).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        for (Process p : processes) {
          if (!p.isAlive()) {
            throw new IllegalStateException("etcd exited with " + p.exitValue()
                + "; its log is under " + logDir);
          }
        }
        try {
          KVGrpc.newBlockingStub(channel).withWaitForReady()
              .withDeadlineAfter(100, TimeUnit.MILLISECONDS).put(put);
          return;
        } catch (StatusRuntimeException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("etcd did not take a put within 30 s", e);
          }
          // A refused connection would otherwise wait out grpc's reconnect backoff (1 s and up).
          channel.resetConnectBackoff();
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket();
        sockets.add(s);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  /** Kills the processes (SIGKILL: no graceful stop, no leader transfer) and deletes the data. */
  void kill() {
    stop(true);
  }

  private void stop() {
    stop(false);
  }

  private synchronized void stop(boolean kill) {
    for (Process p : processes) {
      if (kill) {
        p.destroyForcibly();
      } else {
        p.destroy();
      }
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    if (Files.exists(dataDir)) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook runs (or ran) stop() itself.
    }
  }
}
