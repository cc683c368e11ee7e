package dev.fakeetcd.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects the members' client endpoints, in member order, into a {@code List<URI>} or a
 * {@code String} (comma-separated, as etcdctl's {@code --endpoints} takes them).
 *
 * <pre>{@code
 * @EtcdTest
 * void connects(@Endpoints String endpoints) {
 *   Client client = Client.builder().endpoints(endpoints.split(",")).build();
 * }
 * }</pre>
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Endpoints {
}
