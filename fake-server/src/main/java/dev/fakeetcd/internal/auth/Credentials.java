package dev.fakeetcd.internal.auth;

/**
 * What a call brings to say who it runs as, as etcd's {@code AuthInfoFromCtx} reads its context:
 * an auth token from its metadata, and the common name of the TLS client certificate it came
 * with (etcd's {@code AuthInfoFromTLS}). Either may be null; {@link #NONE} has neither.
 *
 * @param token the first value of metadata {@code token} (or {@code authorization})
 * @param commonName the CN of the client certificate's first verified chain's leaf
 */
public record Credentials(String token, String commonName) {

  public static final Credentials NONE = new Credentials(null, null);
}
