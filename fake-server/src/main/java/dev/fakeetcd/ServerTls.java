package dev.fakeetcd;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on the members' client ports, as etcd's flags set it: {@code --cert-file}, {@code
 * --key-file} (PEM), {@code --trusted-ca-file} and {@code --client-cert-auth}. Immutable.
 *
 * <pre>{@code
 * ClusterConfig.builder().tls(ServerTls.of(cert, key).trustedCa(ca).clientCertAuth(true))
 * }</pre>
 */
public final class ServerTls {

  private final Path certFile;
  private final Path keyFile;
  private final Path trustedCaFile;
  private final boolean clientCertAuth;

  private ServerTls(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.trustedCaFile = trustedCaFile;
    this.clientCertAuth = clientCertAuth;
  }

  /** etcd's {@code --cert-file} and {@code --key-file}: the server's certificate and key (PEM). */
  public static ServerTls of(Path certFile, Path keyFile) {
    return new ServerTls(Objects.requireNonNull(certFile, "certFile"),
        Objects.requireNonNull(keyFile, "keyFile"), null, false);
  }

  /**
   * etcd's {@code --trusted-ca-file}: the CA client certificates must chain to. As etcd 3.4, a
   * trusted CA alone makes every client present one; {@link #clientCertAuth} makes its common
   * name the user.
   */
  public ServerTls trustedCa(Path caFile) {
    return new ServerTls(certFile, keyFile, Objects.requireNonNull(caFile, "caFile"),
        clientCertAuth);
  }

  /**
   * etcd's {@code --client-cert-auth}: clients must present a certificate the trusted CA signed;
   * with auth on, a request without a token runs as the certificate's common name.
   */
  public ServerTls clientCertAuth(boolean on) {
    return new ServerTls(certFile, keyFile, trustedCaFile, on);
  }

  /** The server's certificate (PEM): etcd's --cert-file. */
  public Path certFile() {
    return certFile;
  }

  /** The certificate's private key (PEM): etcd's --key-file. */
  public Path keyFile() {
    return keyFile;
  }

  /** The CA client certificates must chain to: etcd's --trusted-ca-file. */
  public Optional<Path> trustedCaFile() {
    return Optional.ofNullable(trustedCaFile);
  }

  /** etcd's --client-cert-auth: a call without a token runs as its certificate's common name. */
  public boolean clientCertAuth() {
    return clientCertAuth;
  }

  @Override
  public String toString() {
    return "ServerTls[cert=" + certFile + ", key=" + keyFile
        + (trustedCaFile == null ? "" : ", trustedCa=" + trustedCaFile)
        + ", clientCertAuth=" + clientCertAuth + "]";
  }
}
