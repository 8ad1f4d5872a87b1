package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Random-input checks of address parsing, printing and arithmetic against independent models. */
@Timeout(30)
class IpAddressPropertyTest {

    private static final int CASES = 2_000;
    private static final Pattern ZERO_RUN = Pattern.compile("(?:^|:)0(?::0)+(?::|$)");

    private final RandomIp gen = new RandomIp();

    @Test
    void parsingTheCanonicalTextGivesBackTheSameAddress() {
        for (int i = 0; i < CASES; i++) {
            IpAddress address = gen.address(gen.family());

            assertThat(IpAddress.parse(address.toString()))
                    .as("seed %d case %d: %s", gen.seed, i, address)
                    .isEqualTo(address);
            assertThat(IpAddress.fromBytes(address.toBytes())).isEqualTo(address);
        }
    }

    @Test
    void everyTextualVariantOfAnIpv6AddressParsesToTheSameValue() {
        for (int i = 0; i < CASES; i++) {
            IpAddress address = gen.address(IpFamily.IPV6);
            String[] groups = fullGroups(address);
            String variant = switch (gen.random.nextInt(4)) {
                case 0 -> String.join(":", groups).toUpperCase(Locale.ROOT);
                case 1 -> padded(groups);
                case 2 -> compressRandomZeroRun(groups);
                default -> withDottedTail(groups);
            };

            assertThat(IpAddress.parse(variant))
                    .as("seed %d case %d: %s from %s", gen.seed, i, variant, address)
                    .isEqualTo(address);
        }
    }

    @Test
    void canonicalIpv6TextFollowsRfc5952() {
        for (int i = 0; i < CASES; i++) {
            IpAddress address = gen.address(IpFamily.IPV6);

            assertThat(address.toString()).as("seed %d case %d", gen.seed, i).isEqualTo(rfc5952Reference(address));
        }
    }

    @Test
    void parsedBytesAgreeWithTheJdkLiteralParser() throws Exception {
        for (int i = 0; i < CASES; i++) {
            IpAddress address = gen.address(gen.family());
            String text = address.toString();
            if (text.startsWith("::ffff:") && text.contains(".")) {
                continue; // the JDK turns IPv4-mapped literals into 4-byte IPv4 addresses
            }

            assertThat(IpAddress.parse(text).toBytes())
                    .as("seed %d case %d: %s", gen.seed, i, text)
                    .isEqualTo(InetAddress.ofLiteral(text).getAddress());
        }
    }

    @Test
    void plusMatchesBigIntegerArithmeticAndThrowsOutsideTheRange() {
        for (int i = 0; i < CASES; i++) {
            IpFamily family = gen.family();
            IpAddress start = gen.address(family);
            long n = switch (gen.random.nextInt(3)) {
                case 0 -> gen.random.nextLong();
                case 1 -> gen.random.nextInt();
                default -> gen.random.nextInt(512) - 256;
            };
            BigInteger expected = RandomIp.toBigInteger(start).add(BigInteger.valueOf(n));
            String context = "seed " + gen.seed + " case " + i + ": " + start + " + " + n;

            if (expected.signum() < 0 || expected.compareTo(RandomIp.size(family)) >= 0) {
                assertThatThrownBy(() -> start.plus(n)).as(context).isInstanceOf(ArithmeticException.class);
            } else {
                assertThat(start.plus(n)).as(context).isEqualTo(RandomIp.fromBigInteger(family, expected));
            }
        }
    }

    @Test
    void orderingMatchesNumericOrderWithinAFamily() {
        for (int i = 0; i < CASES; i++) {
            IpFamily family = gen.family();
            IpAddress a = gen.address(family);
            IpAddress b = gen.address(family);

            assertThat(Integer.signum(a.compareTo(b)))
                    .as("seed %d case %d: %s vs %s", gen.seed, i, a, b)
                    .isEqualTo(RandomIp.toBigInteger(a).compareTo(RandomIp.toBigInteger(b)));
        }
    }

    private static String[] fullGroups(IpAddress address) {
        byte[] bytes = address.toBytes();
        String[] groups = new String[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = Integer.toHexString(((bytes[2 * g] & 0xFF) << 8) | (bytes[2 * g + 1] & 0xFF));
        }
        return groups;
    }

    private static String padded(String[] groups) {
        StringBuilder out = new StringBuilder();
        for (String group : groups) {
            out.append(out.isEmpty() ? "" : ":")
                    .append("0".repeat(4 - group.length()))
                    .append(group);
        }
        return out.toString();
    }

    /** Replaces one run of zero groups (any length, not necessarily the longest) with "::". */
    private String compressRandomZeroRun(String[] groups) {
        int start = gen.random.nextInt(8);
        if (!groups[start].equals("0")) {
            return String.join(":", groups);
        }
        int end = start;
        while (end + 1 < 8 && groups[end + 1].equals("0") && gen.random.nextBoolean()) {
            end++;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, start));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, end + 1, 8));
        return head + "::" + tail;
    }

    private static String withDottedTail(String[] groups) {
        int g6 = Integer.parseInt(groups[6], 16);
        int g7 = Integer.parseInt(groups[7], 16);
        String dotted = (g6 >> 8) + "." + (g6 & 0xFF) + "." + (g7 >> 8) + "." + (g7 & 0xFF);
        return String.join(":", java.util.Arrays.copyOfRange(groups, 0, 6)) + ":" + dotted;
    }

    /** A string-based RFC 5952 model, independent of the group-array code under test. */
    private static String rfc5952Reference(IpAddress address) {
        String[] groups = fullGroups(address);
        String full = String.join(":", groups);
        if (full.startsWith("0:0:0:0:0:ffff:")) {
            byte[] b = address.toBytes();
            return "::ffff:" + (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        }
        Matcher m = ZERO_RUN.matcher(full);
        int bestStart = -1;
        int bestEnd = -1;
        int bestZeros = 0;
        while (m.find()) {
            int zeros = m.group().replace(":", "").length();
            if (zeros > bestZeros) {
                bestStart = m.start();
                bestEnd = m.end();
                bestZeros = zeros;
            }
        }
        return bestStart < 0 ? full : full.substring(0, bestStart) + "::" + full.substring(bestEnd);
    }
}
