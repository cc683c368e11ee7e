package dev.fakeetcd.junit;

import io.etcd.jetcd.Client;
import java.net.URI;
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
}
