package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random prefixes checked against BigInteger prefix arithmetic. */
@Timeout(30)
class IpPrefixPropertyTest {

    private static final int CASES = 2_000;

    private final RandomIp gen = new RandomIp();

    @Test
    void containsAgreesWithComparingTheLeadingBits() {
        for (int i = 0; i < CASES; i++) {
            IpFamily family = gen.family();
            int length = gen.random.nextInt(family.bits() + 1);
            IpPrefix prefix = gen.prefix(family, length);
            // Half the probes share the prefix's leading bits, so both answers occur.
            IpAddress probe = gen.random.nextBoolean()
                    ? gen.address(family)
                    : RandomIp.fromBigInteger(
                            family,
                            RandomIp.toBigInteger(prefix.address())
                                    .add(gen.below(BigInteger.ONE.shiftLeft(family.bits() - length))));
            int hostBits = family.bits() - length;
            boolean expected = RandomIp.toBigInteger(probe)
                    .shiftRight(hostBits)
                    .equals(RandomIp.toBigInteger(prefix.address()).shiftRight(hostBits));

            assertThat(prefix.contains(probe))
                    .as("seed %d case %d: %s contains %s", gen.seed, i, prefix, probe)
                    .isEqualTo(expected);
        }
    }

    @Test
    void parsingThePrintedPrefixRoundTripsAndHostBitsAreReported() {
        for (int i = 0; i < CASES; i++) {
            IpFamily family = gen.family();
            int length = gen.random.nextInt(family.bits() + 1);
            IpPrefix prefix = gen.prefix(family, length);
            IpAddress inside = prefix.lastAddress();

            assertThat(IpPrefix.parse(prefix.toString()))
                    .as("seed %d case %d", gen.seed, i)
                    .isEqualTo(prefix);
            assertThat(prefix.contains(inside)).isTrue();
            if (!inside.equals(prefix.address())) {
                String text = inside + "/" + length;
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpPrefix.parse(text))
                        .as("seed %d case %d: %s", gen.seed, i, text)
                        .hasMessage("\"" + text + "\" has host bits set; did you mean " + prefix + "?");
            }
        }
    }

    @Test
    void overlapsIsSymmetricAndMeansOneContainsTheOther() {
        for (int i = 0; i < CASES; i++) {
            IpFamily family = gen.family();
            IpPrefix a = gen.prefix(family, gen.random.nextInt(9));
            // A short prefix often shares leading bits with a random longer one.
            IpPrefix b = gen.prefix(family, gen.random.nextInt(family.bits() + 1));
            BigInteger aStart = RandomIp.toBigInteger(a.address());
            BigInteger aEnd = RandomIp.toBigInteger(a.lastAddress());
            BigInteger bStart = RandomIp.toBigInteger(b.address());
            BigInteger bEnd = RandomIp.toBigInteger(b.lastAddress());
            boolean intervalsIntersect = aStart.compareTo(bEnd) <= 0 && bStart.compareTo(aEnd) <= 0;

            assertThat(a.overlaps(b))
                    .as("seed %d case %d: %s %s", gen.seed, i, a, b)
                    .isEqualTo(intervalsIntersect)
                    .isEqualTo(b.overlaps(a))
                    .isEqualTo(a.contains(b) || b.contains(a));
        }
    }
}
