package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two-long arithmetic checked against BigInteger modulo 2^128. */
@Timeout(30)
class Uint128Test {

    private static final int CASES = 2_000;
    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(128);

    private final RandomIp gen = new RandomIp();

    @Test
    void arithmeticMatchesBigIntegerModulo2To128() {
        for (int i = 0; i < CASES; i++) {
            Uint128 a = randomValue();
            Uint128 b = randomValue();
            int shift = gen.random.nextInt(128);
            String context = "seed " + gen.seed + " case " + i + ": " + a + ", " + b + ", " + shift;

            assertThat(big(a.plus(b))).as(context).isEqualTo(big(a).add(big(b)).mod(MODULUS));
            assertThat(big(a.minus(b)))
                    .as(context)
                    .isEqualTo(big(a).subtract(big(b)).mod(MODULUS));
            assertThat(big(a.shiftLeft(shift)))
                    .as(context)
                    .isEqualTo(big(a).shiftLeft(shift).mod(MODULUS));
            assertThat(big(a.shiftRight(shift))).as(context).isEqualTo(big(a).shiftRight(shift));
            assertThat(big(a.and(b))).as(context).isEqualTo(big(a).and(big(b)));
            assertThat(big(a.or(b))).as(context).isEqualTo(big(a).or(big(b)));
            assertThat(Integer.signum(a.compareTo(b))).as(context).isEqualTo(big(a).compareTo(big(b)));
            assertThat(a.fitsInLong()).as(context).isEqualTo(big(a).compareTo(BigInteger.valueOf(Long.MAX_VALUE)) <= 0);
        }
    }

    @Test
    void masksAndPowersOfTwoHaveTheRightBits() {
        for (int n = 0; n <= 128; n++) {
            BigInteger expectedMask = MODULUS.subtract(BigInteger.ONE.shiftLeft(128 - n));
            assertThat(big(Uint128.highMask(n))).as("highMask(%d)", n).isEqualTo(expectedMask);
            if (n < 128) {
                assertThat(big(Uint128.powerOfTwo(n))).as("2^%d", n).isEqualTo(BigInteger.ONE.shiftLeft(n));
            }
        }
    }

    /** Mostly random, with edge words (0, 1, -1, sign bit) mixed in where carries happen. */
    private Uint128 randomValue() {
        return new Uint128(randomWord(), randomWord());
    }

    private long randomWord() {
        return switch (gen.random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Long.MIN_VALUE;
            case 3 -> gen.random.nextInt(4);
            default -> gen.random.nextLong();
        };
    }

    private static BigInteger big(Uint128 value) {
        return new BigInteger(Long.toUnsignedString(value.hi()))
                .shiftLeft(64)
                .add(new BigInteger(Long.toUnsignedString(value.lo())));
    }
}
