package dev.fakeetcd.internal.transport;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig;
import io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolNames;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS on the client ports, from etcd's flags: {@code --cert-file}, {@code --key-file} (PEM: PKCS#8,
 * PKCS#1 or SEC1, see {@link PemKeys}), {@code --trusted-ca-file} (may be null) and {@code
 * --client-cert-auth}.
 */
public record PortTls(Path certFile, Path keyFile, Path trustedCaFile, boolean clientCertAuth) {

  public PortTls {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
  }

  /**
   * The server context: gRPC's ciphers; ALPN choosing http/1.1 before h2, so that a client offering
   * both (curl, browsers) speaks HTTP/1.1 to the HTTP routes while gRPC clients, which offer h2
   * alone, get h2; and, as etcd's {@code TLSInfo.ServerConfig}, a client certificate signed by the
   * trusted CA required once a CA is given or client-cert-auth is on.
   *
   * @throws IllegalArgumentException if a file cannot be read or used
   */
  SslContext context() {
    try (InputStream cert = Files.newInputStream(certFile)) {
      SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(cert,
          new ByteArrayInputStream(PemKeys.pkcs8Pem(keyFile))), SslProvider.JDK)
          .applicationProtocolConfig(new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_1_1, ApplicationProtocolNames.HTTP_2));
      if (trustedCaFile != null) {
        builder.trustManager(trustedCaFile.toFile());
      }
      // As etcd 3.4's transport.TLSInfo: a trusted CA alone already requires client certificates
      // (--client-cert-auth only makes their common name the user).
      builder.clientAuth(clientCertAuth || trustedCaFile != null ? ClientAuth.REQUIRE
          : ClientAuth.NONE);
      return builder.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the TLS files (" + certFile + ", " + keyFile
          + (trustedCaFile == null ? "" : ", " + trustedCaFile) + "): " + e.getMessage(), e);
    }
  }
}
