package dev.fakeetcd.junit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The only class that touches jetcd, loaded only when a test asks for a jetcd client. */
final class JetcdClients {

  static final String CLIENT_CLASS = "io.etcd.jetcd.Client";

  private JetcdClients() {
  }

  static boolean available() {
    try {
      Class.forName(CLIENT_CLASS, false, JetcdClients.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static AutoCloseable connect(List<URI> endpoints) {
    return Client.builder().endpoints(endpoints.toArray(URI[]::new)).build();
  }

  /** A client that authenticates as {@code user}: on its first call, and when its token expires. */
  static AutoCloseable connect(List<URI> endpoints, String user, String password) {
    return Client.builder().endpoints(endpoints.toArray(URI[]::new))
        .user(ByteSequence.from(user, StandardCharsets.UTF_8))
        .password(ByteSequence.from(password, StandardCharsets.UTF_8))
        .build();
  }
}
