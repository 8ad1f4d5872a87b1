package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random IPv4 and IPv6 spaces checked against an exact BigInteger model: subnet i starts at
 * network + (minIndex + i) * 2^(bits - subnetLength).
 */
@Timeout(60)
class SubnetSpacePropertyTest {

    private static final int CASES = 2_000;
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final RandomIp gen = new RandomIp();

    /** One random space with its model values. */
    private record Case(SubnetSpace space, BigInteger minIndex, BigInteger maxIndex, String label) {

        IpFamily family() {
            return space.family();
        }

        int hostBits() {
            return family().bits() - space.subnetLength();
        }

        BigInteger expectedSize() {
            return maxIndex.subtract(minIndex).add(BigInteger.ONE).min(LONG_MAX);
        }

        /** The subnet with absolute index {@code k} within the network. */
        IpPrefix subnetNumber(BigInteger k) {
            BigInteger start = RandomIp.toBigInteger(space.network().address()).add(k.shiftLeft(hostBits()));
            return IpPrefix.of(RandomIp.fromBigInteger(family(), start), space.subnetLength());
        }
    }

    private Case randomCase(int i) {
        IpFamily family = gen.family();
        int networkLength = gen.random.nextInt(family.bits() - 1);
        int subnetLength = networkLength + gen.random.nextInt(family.bits() - networkLength + 1);
        IpPrefix network = gen.prefix(family, networkLength);
        BigInteger count = BigInteger.ONE.shiftLeft(subnetLength - networkLength);
        BigInteger minIndex;
        BigInteger maxIndex;
        if (gen.random.nextInt(4) == 0) {
            // flannel's defaults: skip the first subnet, run to the last (when there are two or more)
            minIndex = count.compareTo(BigInteger.ONE) > 0 ? BigInteger.ONE : BigInteger.ZERO;
            maxIndex = count.subtract(BigInteger.ONE);
        } else {
            BigInteger a = gen.below(count);
            BigInteger b = gen.below(count);
            minIndex = a.min(b);
            maxIndex = a.max(b);
        }
        SubnetSpace space = new SubnetSpace(
                network,
                subnetLength,
                subnetOf(network, subnetLength, minIndex),
                subnetOf(network, subnetLength, maxIndex));
        String label = "seed " + gen.seed + " case " + i + ": " + space;
        return new Case(space, minIndex, maxIndex, label);
    }

    private static IpPrefix subnetOf(IpPrefix network, int subnetLength, BigInteger k) {
        IpFamily family = network.family();
        BigInteger start = RandomIp.toBigInteger(network.address()).add(k.shiftLeft(family.bits() - subnetLength));
        return IpPrefix.of(RandomIp.fromBigInteger(family, start), subnetLength);
    }

    @Test
    void sizeMatchesTheModel() {
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(i);

            assertThat(BigInteger.valueOf(c.space().size())).as(c.label()).isEqualTo(c.expectedSize());
        }
    }

    @Test
    void subnetAtIsAlignedContainedOfTheRightLengthAndInvertedByIndexOf() {
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(i);
            long index = randomIndex(c.space().size());

            IpPrefix subnet = c.space().subnetAt(index);

            String label = c.label() + " index " + index;
            assertThat(subnet).as(label).isEqualTo(c.subnetNumber(c.minIndex().add(BigInteger.valueOf(index))));
            assertThat(subnet.length()).as(label).isEqualTo(c.space().subnetLength());
            assertThat(RandomIp.toBigInteger(subnet.address()).mod(BigInteger.TWO.pow(c.hostBits())))
                    .as(label + " host bits must be zero")
                    .isZero();
            assertThat(c.space().network().contains(subnet)).as(label).isTrue();
            assertThat(c.space().indexOf(subnet)).as(label).isEqualTo(index);
            assertThat(c.space().contains(subnet)).as(label).isTrue();
        }
    }

    @Test
    void indexOfOfAnySubnetInMinToMaxIsInvertedBySubnetAt() {
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(i);
            BigInteger span = c.maxIndex().subtract(c.minIndex()).add(BigInteger.ONE);
            BigInteger offset = gen.below(span);
            IpPrefix subnet = c.subnetNumber(c.minIndex().add(offset));

            long index = c.space().indexOf(subnet);

            String label = c.label() + " subnet " + subnet;
            if (offset.compareTo(LONG_MAX) < 0) {
                assertThat(index).as(label).isEqualTo(offset.longValueExact());
                assertThat(c.space().subnetAt(index)).as(label).isEqualTo(subnet);
            } else {
                assertThat(index).as(label + " lies beyond the truncated space").isEqualTo(-1);
            }
            assertThat(c.space().contains(subnet)).as(label).isEqualTo(index >= 0);
        }
    }

    @Test
    void subnetsOutsideMinToMaxOrOfAnotherShapeAreNotInTheSpace() {
        for (int i = 0; i < CASES; i++) {
            Case c = randomCase(i);
            String label = c.label();
            if (c.minIndex().signum() > 0) {
                IpPrefix before = c.subnetNumber(gen.below(c.minIndex()));
                assertThat(c.space().indexOf(before))
                        .as(label + " before " + before)
                        .isEqualTo(-1);
                assertThat(c.space().contains(before)).as(label).isFalse();
            }
            BigInteger count = BigInteger.ONE.shiftLeft(
                    c.space().subnetLength() - c.space().network().length());
            BigInteger afterCount = count.subtract(c.maxIndex()).subtract(BigInteger.ONE);
            if (afterCount.signum() > 0) {
                BigInteger afterIndex = c.maxIndex().add(BigInteger.ONE).add(gen.below(afterCount));
                IpPrefix after = c.subnetNumber(afterIndex);
                assertThat(c.space().indexOf(after))
                        .as(label + " after " + after)
                        .isEqualTo(-1);
            }
            IpPrefix outsideNetwork = gen.prefix(c.family(), c.space().subnetLength());
            if (!c.space().network().contains(outsideNetwork)) {
                assertThat(c.space().indexOf(outsideNetwork))
                        .as(label + " " + outsideNetwork)
                        .isEqualTo(-1);
            }
            IpPrefix network = c.space().network();
            if (network.length() != c.space().subnetLength()) {
                assertThat(c.space().indexOf(network))
                        .as(label + " network itself")
                        .isEqualTo(-1);
            }
            IpFamily other = c.family() == IpFamily.IPV4 ? IpFamily.IPV6 : IpFamily.IPV4;
            IpPrefix otherFamily = gen.prefix(other, Math.min(c.space().subnetLength(), other.bits()));
            assertThat(c.space().indexOf(otherFamily))
                    .as(label + " " + otherFamily)
                    .isEqualTo(-1);
        }
    }

    @Test
    void ipv6Slash32IntoSlash64AtRandomIndices() {
        IpPrefix network = IpPrefix.parse("fd00:1234::/32");
        SubnetSpace space = new SubnetSpace(
                network, 64, IpPrefix.parse("fd00:1234::/64"), IpPrefix.parse("fd00:1234:ffff:ffff::/64"));

        assertThat(space.size()).isEqualTo(1L << 32);
        assertThat(space.subnetAt((1L << 32) - 1)).isEqualTo(IpPrefix.parse("fd00:1234:ffff:ffff::/64"));
        for (int i = 0; i < CASES; i++) {
            long index = gen.random.nextLong(1L << 32);
            IpPrefix subnet = space.subnetAt(index);
            String expected = String.format("fd00:1234:%x:%x::/64", index >>> 16, index & 0xFFFF);

            assertThat(subnet).as("seed %d index %d", gen.seed, index).isEqualTo(IpPrefix.parse(expected));
            assertThat(space.indexOf(subnet)).isEqualTo(index);
        }
    }

    /** Mostly uniform, with the edges 0 and size - 1 picked often. */
    private long randomIndex(long size) {
        return switch (gen.random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> size - 1;
            default -> gen.random.nextLong(size);
        };
    }
}
