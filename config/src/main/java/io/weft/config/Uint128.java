package io.weft.config;

/**
 * An unsigned 128-bit integer as two longs, the arithmetic under {@link IpAddress}, {@link
 * IpPrefix} and {@link SubnetSpace}. IPv4 values use the low 32 bits. All operations wrap modulo
 * 2^128; callers check ranges where overflow would matter.
 */
record Uint128(long hi, long lo) implements Comparable<Uint128> {

    static final Uint128 ZERO = new Uint128(0, 0);

    /** The value with only bit {@code n} set (bit 0 is the least significant). */
    static Uint128 powerOfTwo(int n) {
        return n < 64 ? new Uint128(0, 1L << n) : new Uint128(1L << (n - 64), 0);
    }

    /** The mask with the {@code ones} most significant bits set, 0..128. */
    static Uint128 highMask(int ones) {
        if (ones == 0) {
            return ZERO;
        }
        if (ones <= 64) {
            return new Uint128(-1L << (64 - ones), 0);
        }
        return new Uint128(-1L, ones == 128 ? -1L : -1L << (128 - ones));
    }

    Uint128 plus(Uint128 other) {
        long sumLo = lo + other.lo;
        long carry = Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0;
        return new Uint128(hi + other.hi + carry, sumLo);
    }

    Uint128 minus(Uint128 other) {
        long diffLo = lo - other.lo;
        long borrow = Long.compareUnsigned(lo, other.lo) < 0 ? 1 : 0;
        return new Uint128(hi - other.hi - borrow, diffLo);
    }

    Uint128 and(Uint128 other) {
        return new Uint128(hi & other.hi, lo & other.lo);
    }

    Uint128 or(Uint128 other) {
        return new Uint128(hi | other.hi, lo | other.lo);
    }

    Uint128 not() {
        return new Uint128(~hi, ~lo);
    }

    /** Shifts left by 0..127 bits, dropping bits shifted past bit 127. */
    Uint128 shiftLeft(int n) {
        if (n == 0) {
            return this;
        }
        if (n >= 64) {
            return new Uint128(lo << (n - 64), 0);
        }
        return new Uint128((hi << n) | (lo >>> (64 - n)), lo << n);
    }

    /** Logical (unsigned) shift right by 0..127 bits. */
    Uint128 shiftRight(int n) {
        if (n == 0) {
            return this;
        }
        if (n >= 64) {
            return new Uint128(0, hi >>> (n - 64));
        }
        return new Uint128(hi >>> n, (lo >>> n) | (hi << (64 - n)));
    }

    /** True when the value is at most {@link Long#MAX_VALUE}, so {@code lo} holds it exactly. */
    boolean fitsInLong() {
        return hi == 0 && lo >= 0;
    }

    @Override
    public int compareTo(Uint128 other) {
        int byHigh = Long.compareUnsigned(hi, other.hi);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(lo, other.lo);
    }
}
