package dev.fakeetcd.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The RPCs a {@link ConformanceTest} uses besides KV. On a target that does not serve one of them
 * yet the test is skipped, with the RPC named in the skip reason.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {
  Rpc[] value();
}
