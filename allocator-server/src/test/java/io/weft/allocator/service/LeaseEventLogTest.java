package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How this server chose each lease it wrote: kept while the lease lasts, one word shared by all. */
@Timeout(10)
class LeaseEventLogTest {

    private final LeaseEventLog log = new LeaseEventLog(new SimpleMeterRegistry());

    @Test
    void leasesChosenTheSameWayShareOneWordAndForgetItWhenRemoved() {
        for (int n = 1; n <= 2; n++) {
            StoredLease lease = lease(n);
            // Built at run time, as the acquisition path builds it: a new string each time.
            log.intend(lease.subnet(), "source=" + new StringBuilder("wen").reverse());
            log.put(lease, true);
        }

        assertThat(log.howChosen(lease(1).subnet())).contains("new");
        assertThat(log.howChosen(lease(2).subnet()).orElseThrow())
                .isSameAs(log.howChosen(lease(1).subnet()).orElseThrow());

        log.removed(lease(1).subnet(), lease(1), 12);
        assertThat(log.howChosen(lease(1).subnet())).isEmpty();
        assertThat(log.howChosen(lease(3).subnet()))
                .as("a lease this server did not write")
                .isEmpty();
    }

    private static StoredLease lease(int n) {
        return new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse("10.1." + n + ".0/24")),
                new LeaseValue("192.168.0." + n, "", "host-gw", null, null, "node-" + n),
                0,
                10 + n);
    }
}
