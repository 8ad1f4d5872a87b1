package io.weft.allocator.alloc;

import static io.weft.allocator.alloc.IndexFixtures.T0;
import static io.weft.allocator.alloc.IndexFixtures.indexWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpPrefix;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * An acquisition that lost races for a free subnet (another replica wrote the one it picked)
 * picks its next one among more free subnets, so replicas picking near the front of the same free
 * list spread out instead of colliding again; a first try stays near the front.
 */
class RaceWindowTest {

    /** 16,383 subnets: 10.0.1.0/24 .. 10.63.255.0/24. */
    private static final String WIDE = """
            {"Network":"10.0.0.0/10","SubnetLen":24,"Backend":{"Type":"vxlan"}}""";

    /** Always the last choice it is offered: the far end of whatever window is asked for. */
    private static final RandomGenerator FARTHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final SubnetAllocator allocator = new SubnetAllocator(FARTHEST);
    private final AcquireIntent intent = new AcquireIntent("node-a", "192.168.0.1", null, null);

    /**
     * The chosen subnet's number in the network: 10.0.1.0/24 is 1, the lowest one handed out
     * (SubnetMin leaves out the network's first), so the nth lowest free subnet is n.
     */
    private static long numberOf(Choice choice) {
        IpPrefix subnet = ((Choice.Create) choice).subnet().ipv4();
        byte[] address = subnet.address().toBytes();
        return ((address[1] & 0xffL) << 8) | (address[2] & 0xffL);
    }

    @Test
    void aFirstTryPicksAmongTheLowestFreeSubnets() {
        assertThat(numberOf(allocator.choose(intent, indexWith(WIDE), T0))).isEqualTo(FreeSubnets.PICK_WINDOW);
        assertThat(numberOf(allocator.choose(intent, indexWith(WIDE), T0, 0))).isEqualTo(FreeSubnets.PICK_WINDOW);
    }

    @Test
    void eachLostRaceWidensTheChoiceFourfold() {
        assertThat(numberOf(allocator.choose(intent, indexWith(WIDE), T0, 1))).isEqualTo(4L * FreeSubnets.PICK_WINDOW);
        assertThat(numberOf(allocator.choose(intent, indexWith(WIDE), T0, 2))).isEqualTo(16L * FreeSubnets.PICK_WINDOW);
    }

    @Test
    void theWidenedChoiceNeverLeavesTheFreeSubnets() {
        LeaseIndex index = indexWith(WIDE);

        Choice choice = allocator.choose(intent, index, T0, 32);

        assertThat(numberOf(choice)).isEqualTo(16_383);
    }
}
