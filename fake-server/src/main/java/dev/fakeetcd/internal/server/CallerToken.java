package dev.fakeetcd.internal.server;

import dev.fakeetcd.internal.auth.Credentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a call says about who it runs as, as etcd's {@code AuthInfoFromCtx} and {@code
 * AuthInfoFromTLS} find it: the auth token in gRPC metadata {@code token}, else {@code
 * authorization} (what its gateway sends), the first value of either; and the common name of the
 * client certificate the call's TLS session verified. Read by the services when a call starts;
 * looked up by the member when its request is served.
 */
public final class CallerToken implements ServerInterceptor {

  public static final CallerToken INSTANCE = new CallerToken();

  private static final Context.Key<Credentials> CREDENTIALS = Context.key("fake-etcd-credentials");
  private static final Metadata.Key<String> TOKEN_HEADER =
      Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> AUTHORIZATION_HEADER =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private CallerToken() {
  }

  /** The credentials of the call this thread serves; {@link Credentials#NONE} without any. */
  public static Credentials current() {
    Credentials credentials = CREDENTIALS.get();
    return credentials == null ? Credentials.NONE : credentials;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String token = headers.get(TOKEN_HEADER);
    if (token == null) {
      token = headers.get(AUTHORIZATION_HEADER);
    }
    String commonName = commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    if (token == null && commonName == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(CREDENTIALS,
        new Credentials(token, commonName)), call, headers, next);
  }

  /**
   * The CN of the session's verified client certificate (Go's {@code Subject.CommonName}: the
   * last CN attribute; empty without one); null without a session or a client certificate.
   */
  public static String commonName(SSLSession session) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return null;
    }
    String commonName = "";
    try {
      // LdapName lists the RDNs in ASN.1 order, the reverse of the string form.
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          commonName = String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      throw new IllegalStateException("a verified certificate's subject does not parse", e);
    }
    return commonName;
  }
}
