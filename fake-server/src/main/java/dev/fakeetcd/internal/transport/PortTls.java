package dev.fakeetcd.internal.transport;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS on the client ports, from etcd's flags: {@code --cert-file}, {@code --key-file} (PEM, the
 * key PKCS#8), {@code --trusted-ca-file} (may be null) and {@code --client-cert-auth}.
 */
public record PortTls(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth) {

  public PortTls {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
  }

  /**
   * The server context: gRPC's ciphers, ALPN offering h2 and http/1.1 (the port serves both, as
   * etcd's), client certificates checked against the trusted CA when given and required with
   * client-cert-auth.
   *
   * @throws IllegalArgumentException if a file cannot be read or used
   */
  SslContext context() {
    try {
      SslContextBuilder builder = GrpcSslContexts.configure(
          SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile()), SslProvider.JDK)
          .applicationProtocolConfig(new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
      if (trustedCaFile != null) {
        builder.trustManager(trustedCaFile.toFile());
      }
      // As etcd 3.4's transport.TLSInfo: a trusted CA alone already requires client certificates
      // (--client-cert-auth only makes their common name the user).
      builder.clientAuth(clientCertAuth || trustedCaFile != null ? ClientAuth.REQUIRE
          : ClientAuth.NONE);
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the TLS files (" + certFile + ", " + keyFile
          + (trustedCaFile == null ? "" : ", " + trustedCaFile) + "): " + e.getMessage(), e);
    }
  }
}
