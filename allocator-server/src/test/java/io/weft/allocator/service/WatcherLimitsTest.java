package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WatcherLimitsTest {

    private final WatcherLimits limits = new WatcherLimits(3, 2);

    @Test
    void oneIdentityPastItsLimitIsRefusedNamingTheFlagWhileOthersGoOn() {
        limits.admit("node-a");
        limits.admit("node-a");

        assertThatThrownBy(() -> limits.admit("node-a")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription())
                    .isEqualTo("identity node-a has 2 watch streams open, the limit (--max-watchers-per-identity) "
                            + "is 2; close one first");
        });
        limits.admit("node-b");
        assertThat(limits.open()).isEqualTo(3);
    }

    @Test
    void theTotalIsRefusedNamingTheFlagAndAReleaseMakesRoom() {
        limits.admit("");
        limits.admit("");
        limits.admit("node-a");

        assertThatThrownBy(() -> limits.admit("")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(e.getStatus().getDescription()).contains("(--max-watchers) is 3");
        });
        limits.release("node-a");
        limits.admit("node-a");
        assertThat(limits.open()).isEqualTo(3);
    }

    @Test
    void anonymousCallersCountOnlyTowardTheTotal() {
        limits.admit("");
        limits.admit("");
        limits.admit("");
        assertThat(limits.open()).isEqualTo(3);
    }
}
