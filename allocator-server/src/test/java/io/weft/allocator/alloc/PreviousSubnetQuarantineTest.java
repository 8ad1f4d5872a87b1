package io.weft.allocator.alloc;

import static io.weft.allocator.alloc.IndexFixtures.QUARANTINE;
import static io.weft.allocator.alloc.IndexFixtures.SMALL;
import static io.weft.allocator.alloc.IndexFixtures.T0;
import static io.weft.allocator.alloc.IndexFixtures.indexWith;
import static io.weft.allocator.alloc.IndexFixtures.key;
import static io.weft.allocator.alloc.IndexFixtures.lease;
import static io.weft.allocator.alloc.IndexFixtures.p;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * previous_subnet honours the reuse quarantine: a subnet another host released a moment ago is
 * not handed to a different node that names it, only to the host that held it, and to anyone
 * once the quarantine has passed.
 */
@Timeout(10)
class PreviousSubnetQuarantineTest {

    private final SubnetAllocator allocator = new SubnetAllocator(new Random(7));

    @Test
    void anotherNodeNamingARecentlyReleasedSubnetGetsAnotherOne() {
        LeaseIndex index = released("node-a", "192.168.0.1");

        Choice choice = allocator.choose(
                new AcquireIntent("node-b", "192.168.0.2", p("10.0.1.0/26"), null), index, T0.plusSeconds(60));

        assertThat(choice).isInstanceOfSatisfying(Choice.Create.class, create -> {
            assertThat(create.subnet().ipv4()).isNotEqualTo(p("10.0.1.0/26"));
            assertThat(create.source()).isEqualTo("new");
        });
    }

    @Test
    void theHostThatReleasedItGetsItBackByNameOrByPublicIp() {
        assertThat(allocator.choose(
                        new AcquireIntent("node-a", "192.168.0.9", p("10.0.1.0/26"), null),
                        released("node-a", "192.168.0.1"),
                        T0.plusSeconds(60)))
                .isEqualTo(new Choice.Create(key("10.0.1.0/26"), "previous", null));
        // A flanneld lease has no node name: the same public IP is the same host.
        assertThat(allocator.choose(
                        new AcquireIntent("weft-host", "192.168.0.1", p("10.0.1.0/26"), null),
                        released("", "192.168.0.1"),
                        T0.plusSeconds(60)))
                .isEqualTo(new Choice.Create(key("10.0.1.0/26"), "previous", null));
    }

    @Test
    void afterTheQuarantineAnyNodeMayNameIt() {
        LeaseIndex index = released("node-a", "192.168.0.1");

        Choice choice = allocator.choose(
                new AcquireIntent("node-b", "192.168.0.2", p("10.0.1.0/26"), null),
                index,
                T0.plus(QUARANTINE).plus(Duration.ofSeconds(1)));

        assertThat(choice).isEqualTo(new Choice.Create(key("10.0.1.0/26"), "previous", null));
    }

    private static LeaseIndex released(String node, String publicIp) {
        LeaseIndex index = indexWith(SMALL);
        index.applyPut(lease(key("10.0.1.0/26"), node, publicIp, 5, 2), true);
        assertThat(index.applyDelete(key("10.0.1.0/26"), 3, true, T0)).isPresent();
        return index;
    }
}
