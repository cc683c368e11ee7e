package dev.fakeetcd.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated method once per {@link Targets} constant. The method may take an
 * {@link EtcdTarget} and/or a jetcd {@link io.etcd.jetcd.Client} parameter (the shared target, whose
 * keyspace is empty when it starts), and a {@link ClusterLauncher} for clusters of its own.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(ConformanceExtension.class)
public @interface ConformanceTest {

  /**
   * Runs only on targets with at least this many members: for behaviours a one-member cluster
   * cannot show (a follower, a member to stop while a quorum remains).
   */
  int minMembers() default 1;

  /**
   * Runs only on targets with at most this many members: for behaviours only a small cluster
   * can reach (a one-member cluster adding voters it never starts).
   */
  int maxMembers() default Integer.MAX_VALUE;
}
