package io.weft.allocator.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Ways to damage a protobuf encoding, each aimed at a different part of a parser: raw noise,
 * bit flips, truncation, lying length prefixes, unknown field numbers and wire types (including
 * the invalid 6 and 7), over-long varints, deep nesting, huge and non-UTF-8 strings.
 */
enum Mutations {
    RANDOM_BYTES {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            byte[] noise = new byte[random.nextInt(8) == 0 ? random.nextInt(4096) : random.nextInt(64)];
            random.nextBytes(noise);
            return noise;
        }
    },
    BIT_FLIPS {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            byte[] out = seed.length == 0 ? new byte[] {0} : seed.clone();
            for (int i = 1 + random.nextInt(8); i > 0; i--) {
                out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            }
            return out;
        }
    },
    TRUNCATED {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            return seed.length == 0 ? seed : Arrays.copyOf(seed, random.nextInt(seed.length));
        }
    },
    LENGTH_PREFIX_CORRUPTED {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            // A length-delimited field claiming a length the message does not have.
            long claimed = switch (random.nextInt(4)) {
                case 0 -> seed.length + 1 + random.nextInt(100);
                case 1 -> Integer.MAX_VALUE;
                case 2 -> 0xFFFF_FFFFL;
                default -> random.nextLong() & Long.MAX_VALUE;
            };
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(seed);
            varint(out, ((long) (1 + random.nextInt(12)) << 3) | 2);
            varint(out, claimed);
            out.writeBytes("abc".getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
    },
    UNKNOWN_FIELD {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(seed);
            int number = random.nextBoolean() ? 1 + random.nextInt(20) : 1 + random.nextInt((1 << 29) - 1);
            int wireType = random.nextInt(8);
            varint(out, ((long) number << 3) | wireType);
            byte[] payload = new byte[random.nextInt(16)];
            random.nextBytes(payload);
            switch (wireType) {
                case 0 -> varint(out, random.nextLong());
                case 2 -> {
                    varint(out, payload.length);
                    out.writeBytes(payload);
                }
                case 1 -> out.writeBytes(Arrays.copyOf(payload, 8));
                case 5 -> out.writeBytes(Arrays.copyOf(payload, 4));
                default -> out.writeBytes(payload);
            }
            return out.toByteArray();
        }
    },
    OVERLONG_VARINT {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(seed);
            varint(out, ((long) (1 + random.nextInt(12)) << 3));
            // Ten or more continuation bytes: longer than any 64-bit varint may be.
            for (int i = 0; i < 10 + random.nextInt(20); i++) {
                out.write(0xFF);
            }
            out.write(random.nextBoolean() ? 0x01 : 0xFF);
            return out.toByteArray();
        }
    },
    DEEPLY_NESTED {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(seed);
            int depth = 50 + random.nextInt(random.nextBoolean() ? 200 : 20_000);
            int number = 1000 + random.nextInt(1000);
            boolean groups = random.nextBoolean();
            if (groups) {
                for (int i = 0; i < depth; i++) {
                    varint(out, ((long) number << 3) | 3);
                }
                for (int i = 0; i < depth; i++) {
                    varint(out, ((long) number << 3) | 4);
                }
            } else {
                byte[] inner = new byte[0];
                for (int i = 0; i < Math.min(depth, 3000); i++) {
                    ByteArrayOutputStream wrap = new ByteArrayOutputStream();
                    varint(wrap, ((long) (1 + random.nextInt(8)) << 3) | 2);
                    varint(wrap, inner.length);
                    wrap.writeBytes(inner);
                    inner = wrap.toByteArray();
                }
                out.writeBytes(inner);
            }
            return out.toByteArray();
        }
    },
    HUGE_STRING {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(seed);
            int size = switch (random.nextInt(4)) {
                case 0 -> 254 + random.nextInt(10);
                case 1 -> 70_000;
                case 2 -> 1 << 20;
                default -> 3 << 20;
            };
            varint(out, ((long) (1 + random.nextInt(8)) << 3) | 2);
            varint(out, size);
            byte[] text = new byte[size];
            Arrays.fill(text, (byte) ('a' + random.nextInt(26)));
            out.writeBytes(text);
            return out.toByteArray();
        }
    },
    INVALID_UTF8 {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(seed);
            varint(out, ((long) (1 + random.nextInt(8)) << 3) | 2);
            byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
            varint(out, bad.length);
            out.writeBytes(bad);
            return out.toByteArray();
        }
    },
    SPLICED {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            // The seed twice, cut and joined at random points: repeated and half-written fields.
            int cut = seed.length == 0 ? 0 : random.nextInt(seed.length + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(Arrays.copyOf(seed, cut));
            out.writeBytes(seed);
            out.writeBytes(Arrays.copyOfRange(seed, cut, seed.length));
            return out.toByteArray();
        }
    },
    UNCHANGED {
        @Override
        byte[] apply(byte[] seed, RandomGenerator random) {
            return seed;
        }
    };

    abstract byte[] apply(byte[] seed, RandomGenerator random);

    private static void varint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
