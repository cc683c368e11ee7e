package dev.fakeetcd.internal.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The bootstrap members' peer URLs, on loopback with a port each, as a local etcd's. With TCP each
 * port is one the OS gave, held for the cluster's life by a socket bound to it that never listens:
 * a connection to it is refused, as to a peer port nobody serves, and no client port (of this
 * cluster or another) can take it. Without TCP nothing is bound and member {@code i} gets port
 * 2380 + {@code i} (etcd's default peer port), the same on every run.
 */
final class PeerPorts implements AutoCloseable {

  private static final int ETCD_PEER_PORT = 2380;

  private final List<Socket> held = new ArrayList<>();
  private final List<String> urls = new ArrayList<>();

  PeerPorts(int members, boolean tcp) {
    try {
      for (int i = 0; i < members; i++) {
        int port = ETCD_PEER_PORT + i;
        if (tcp) {
          Socket socket = new Socket();
          held.add(socket);
          socket.bind(new InetSocketAddress("127.0.0.1", 0));
          port = socket.getLocalPort();
        }
        urls.add("http://127.0.0.1:" + port);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("no free loopback port for a peer URL", e);
    }
  }

  /** Bootstrap member {@code index}'s peer URL. */
  String url(int index) {
    return urls.get(index);
  }

  /** Frees the ports; idempotent. */
  @Override
  public void close() {
    for (Socket socket : held) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing a socket that never connected has nothing to report.
      }
    }
  }
}
