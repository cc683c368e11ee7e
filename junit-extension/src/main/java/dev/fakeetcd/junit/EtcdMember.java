package dev.fakeetcd.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Selects the member a {@code Member} or {@code ManagedChannel} parameter or field is for, by index
 * in {@code cluster.members()}; without it they are for the leader.
 *
 * <pre>{@code
 * @EtcdTest
 * void readsFromAFollower(@EtcdMember(2) Member m, @EtcdMember(2) ManagedChannel channel) { ... }
 * }</pre>
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EtcdMember {

  /** The member's index, from 0. */
  int value();
}
