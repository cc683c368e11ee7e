package dev.fakeetcd.junit;

import dev.fakeetcd.TestCertificates;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

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

  /**
   * A client on {@code endpoints}; over TLS if {@code tls} is given; authenticating as {@code
   * user} (on its first call, and when its token expires) if {@code user} is given.
   */
  static AutoCloseable connect(List<URI> endpoints, ClientTls tls, String user, String password) {
    ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(URI[]::new));
    if (tls != null) {
      try {
        builder.sslContext(ssl -> {
          ssl.trustManager(tls.caFile().toFile());
          if (tls.certificate() != null) {
            ssl.keyManager(tls.certificate().certFile().toFile(),
                tls.certificate().keyFile().toFile());
          }
        }).authority(TestCertificates.AUTHORITY);
      } catch (SSLException e) {
        throw new IllegalStateException("cannot read the cluster's test certificates", e);
      }
    }
    if (user != null) {
      builder.user(ByteSequence.from(user, StandardCharsets.UTF_8))
          .password(ByteSequence.from(password, StandardCharsets.UTF_8));
    }
    return builder.build();
  }

  /**
   * What a TLS client presents: the CA it trusts and, for mutual TLS, its certificate.
   *
   * @param certificate null for server-only TLS
   */
  record ClientTls(Path caFile, TestCertificates.ClientCertificate certificate) {
  }
}
