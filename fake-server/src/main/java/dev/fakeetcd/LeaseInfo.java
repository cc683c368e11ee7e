package dev.fakeetcd;

import java.time.Duration;

/**
 * One lease as the leader's lessor holds it.
 *
 * @param id the lease ID
 * @param grantedTtl the effective TTL it was granted (raised to etcd's minimum), in seconds
 * @param remaining virtual time left before it expires; negative once past its deadline and not
 *     yet revoked; {@code Duration.ofNanos(Long.MAX_VALUE)} while a new leader has not taken over
 */
public record LeaseInfo(long id, long grantedTtl, Duration remaining) {
}
