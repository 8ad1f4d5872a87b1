package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.weft.api.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A renew margin as long as the lease is named as an error; a shorter one passes. */
@Timeout(10)
class RenewMarginCheckTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static Lease expiringIn(Duration left) {
        Instant expiry = NOW.plus(left);
        return Lease.newBuilder()
                .setSubnet("10.244.1.0/24")
                .setExpireTime(Timestamp.newBuilder().setSeconds(expiry.getEpochSecond()))
                .build();
    }

    @Test
    void aMarginShorterThanTheLeaseIsFine() {
        assertThat(new RenewMarginCheck(Duration.ofHours(1)).problem(expiringIn(Duration.ofHours(24)), NOW))
                .isEmpty();
    }

    @Test
    void aMarginAsLongAsTheLeaseIsAnErrorNamingBoth() {
        assertThat(new RenewMarginCheck(Duration.ofHours(1)).problem(expiringIn(Duration.ofSeconds(30)), NOW))
                .hasValue("the renew margin (1h) is not shorter than the lease's lifetime (30s, the allocator's"
                        + " --lease-ttl): renewing half-way through instead; set --renew-margin or"
                        + " --subnet-lease-renew-margin below the TTL");
        assertThat(new RenewMarginCheck(Duration.ofMinutes(60)).problem(expiringIn(Duration.ofHours(1)), NOW))
                .isPresent();
    }

    @Test
    void aLeaseWithoutExpiryIsNotJudged() {
        assertThat(new RenewMarginCheck(Duration.ofHours(1))
                        .problem(Lease.newBuilder().build(), NOW))
                .isEmpty();
    }
}
