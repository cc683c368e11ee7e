package dev.fakeetcd.junit;

import dev.fakeetcd.ServerTls;
import dev.fakeetcd.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The certificates of one TLS cluster ({@link EtcdTest#tls()}): a {@link TestCertificates} in a
 * temporary directory, one client certificate per common name, all deleted when it closes.
 */
final class ClusterCertificates implements AutoCloseable {

  private final Path dir;
  private final TestCertificates certificates;
  private final TreeMap<String, TestCertificates.ClientCertificate> clients = new TreeMap<>();

  private ClusterCertificates(Path dir) {
    this.dir = dir;
    this.certificates = TestCertificates.create(dir);
  }

  static ClusterCertificates create() {
    try {
      return new ClusterCertificates(Files.createTempDirectory("fake-etcd-tls"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ServerTls serverTls(boolean clientCertAuth) {
    return certificates.serverTls(clientCertAuth);
  }

  Path caFile() {
    return certificates.caFile();
  }

  /** The client certificate for {@code commonName} (empty: none), made on first use. */
  synchronized TestCertificates.ClientCertificate client(String commonName) {
    return clients.computeIfAbsent(commonName, certificates::client);
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
