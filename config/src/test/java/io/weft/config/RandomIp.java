package io.weft.config;

import java.math.BigInteger;
import java.util.Random;

/**
 * Seeded source of random addresses and prefixes for the property tests, plus exact BigInteger
 * conversions that serve as the reference model for the two-long arithmetic under test.
 *
 * <p>The seed comes from {@code -Dweft.test.seed} when given, so a failure printed as "seed N"
 * can be replayed; otherwise each run explores new cases.
 */
final class RandomIp {

    final long seed;
    final Random random;

    RandomIp() {
        this.seed = Long.getLong("weft.test.seed", System.nanoTime());
        this.random = new Random(seed);
    }

    IpFamily family() {
        return random.nextBoolean() ? IpFamily.IPV4 : IpFamily.IPV6;
    }

    /**
     * A random address. IPv6 groups are zero 40% of the time so that "::" compression, runs of
     * different lengths and IPv4-mapped forms all occur often.
     */
    IpAddress address(IpFamily family) {
        byte[] bytes = new byte[family.bits() / 8];
        random.nextBytes(bytes);
        if (family == IpFamily.IPV6) {
            for (int group = 0; group < 8; group++) {
                if (random.nextInt(10) < 4) {
                    bytes[2 * group] = 0;
                    bytes[2 * group + 1] = 0;
                }
            }
            if (random.nextInt(20) == 0) {
                // IPv4-mapped: ::ffff:a.b.c.d
                java.util.Arrays.fill(bytes, 0, 10, (byte) 0);
                bytes[10] = (byte) 0xFF;
                bytes[11] = (byte) 0xFF;
            }
        }
        return IpAddress.fromBytes(bytes);
    }

    /** A random prefix of the given length (host bits cleared). */
    IpPrefix prefix(IpFamily family, int length) {
        BigInteger value = toBigInteger(address(family));
        BigInteger network = value.shiftRight(family.bits() - length).shiftLeft(family.bits() - length);
        return IpPrefix.of(fromBigInteger(family, network), length);
    }

    /** A uniformly random value in [0, bound). */
    BigInteger below(BigInteger bound) {
        BigInteger candidate;
        do {
            candidate = new BigInteger(bound.bitLength(), random);
        } while (candidate.compareTo(bound) >= 0);
        return candidate;
    }

    static BigInteger toBigInteger(IpAddress address) {
        return new BigInteger(1, address.toBytes());
    }

    static IpAddress fromBigInteger(IpFamily family, BigInteger value) {
        byte[] bytes = new byte[family.bits() / 8];
        byte[] raw = value.toByteArray();
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        return IpAddress.fromBytes(bytes);
    }

    static BigInteger size(IpFamily family) {
        return BigInteger.ONE.shiftLeft(family.bits());
    }
}
