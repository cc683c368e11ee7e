package dev.fakeetcd.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes an injected jetcd {@code Client} authenticate as this user, with the password the
 * cluster's auth setup ({@link EtcdTest#auth()}) gives it; {@code "root"} is root. Under {@link
 * EtcdTest#clientCertAuth()} the client instead presents a TLS client certificate with the user
 * as its common name, and no password (so a user without one works too). Clients for different
 * users can be injected into one test; each is closed after it.
 *
 * <pre>{@code
 * @EtcdTest(auth = "auth")
 * void denied(@EtcdUser("alice") Client alice, @EtcdUser("root") Client root) { ... }
 * }</pre>
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EtcdUser {

  /** The user's name, as the auth setup names it. */
  String value();
}
