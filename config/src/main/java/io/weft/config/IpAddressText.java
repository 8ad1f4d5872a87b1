package io.weft.config;

import java.util.HexFormat;

/**
 * The textual forms of IP addresses: strict parsing of IPv4 dotted quads and every RFC 4291
 * IPv6 form, and RFC 5952 canonical IPv6 printing. Pure string work: never resolves host names,
 * which is why {@code InetAddress.getByName} is not used.
 *
 * <p>Parsers return {@code null} (IPv6) or -1 (IPv4) for invalid text so that {@link IpAddress}
 * can raise one uniform error message.
 */
final class IpAddressText {

    private IpAddressText() {}

    /**
     * Parses {@code text[start, end)} as a dotted quad of decimal octets 0..255 without leading
     * zeros (Go rejects them too, since "010" is octal to some parsers). Returns the address as an
     * unsigned 32-bit value, or -1.
     */
    static long parseIpv4(String text, int start, int end) {
        long value = 0;
        int octets = 0;
        int i = start;
        while (true) {
            int digitsStart = i;
            int octet = 0;
            while (i < end && i - digitsStart < 4 && isDecimalDigit(text.charAt(i))) {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - digitsStart;
            boolean leadingZero = digits > 1 && text.charAt(digitsStart) == '0';
            if (digits == 0 || digits > 3 || leadingZero || octet > 255) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (octets == 4) {
                return i == end ? value : -1;
            }
            if (i >= end || text.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
    }

    /**
     * Parses any RFC 4291 IPv6 text form: eight groups of 1..4 hex digits, at most one "::" standing
     * for one or more zero groups, and optionally a dotted quad in the last 32 bits. Zone indices
     * ("%eth0") are not addresses and are rejected. Returns {@code null} for invalid text.
     */
    static Uint128 parseIpv6(String text) {
        int[] groups = new int[8];
        int gap = text.indexOf("::");
        int count;
        int tailCount = 0;
        if (gap < 0) {
            count = parseGroups(text, 0, text.length(), groups, true);
            if (count != 8) {
                return null;
            }
        } else {
            int headCount = gap == 0 ? 0 : parseGroups(text, 0, gap, groups, false);
            if (headCount < 0) {
                return null;
            }
            int[] tail = new int[8];
            int tailStart = gap + 2;
            if (tailStart < text.length()) {
                tailCount = parseGroups(text, tailStart, text.length(), tail, true);
                if (tailCount < 0) {
                    return null;
                }
            }
            // "::" must stand for at least one zero group.
            if (headCount + tailCount > 7) {
                return null;
            }
            System.arraycopy(tail, 0, groups, 8 - tailCount, tailCount);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | groups[g];
            lo = (lo << 16) | groups[g + 4];
        }
        return new Uint128(hi, lo);
    }

    /**
     * Parses ':'-separated groups of {@code text[start, end)} into the start of
     * {@code groups}. When {@code endsAddress}, a dotted quad may be the final item and fills two
     * groups. Returns the number of groups filled, or -1 (empty group, bad digits, too many groups).
     */
    private static int parseGroups(String text, int start, int end, int[] groups, boolean endsAddress) {
        int filled = 0;
        int i = start;
        while (true) {
            int colon = text.indexOf(':', i);
            int itemEnd = colon < 0 || colon > end ? end : colon;
            boolean last = itemEnd == end;
            int dot = text.indexOf('.', i);
            if (last && endsAddress && dot >= 0 && dot < end) {
                long ipv4 = parseIpv4(text, i, end);
                if (ipv4 < 0 || filled + 2 > groups.length) {
                    return -1;
                }
                groups[filled++] = (int) (ipv4 >>> 16);
                groups[filled++] = (int) (ipv4 & 0xFFFF);
                return filled;
            }
            int value = parseHexGroup(text, i, itemEnd);
            if (value < 0 || filled >= groups.length) {
                return -1;
            }
            groups[filled++] = value;
            if (last) {
                return filled;
            }
            i = itemEnd + 1;
        }
    }

    private static int parseHexGroup(String text, int start, int end) {
        int length = end - start;
        if (length < 1 || length > 4) {
            return -1;
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            int digit = hexValue(text.charAt(i));
            if (digit < 0) {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /**
     * RFC 5952 text: lowercase hex without leading zeros, the longest run of two or more zero
     * groups (the first on a tie) written as "::", and IPv4-mapped addresses (::ffff:0:0/96) with
     * the dotted quad, as section 5 recommends.
     */
    static String formatIpv6(long hi, long lo) {
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return "::ffff:" + formatIpv4(lo & 0xFFFFFFFFL);
        }
        int[] groups = new int[8];
        for (int g = 0; g < 4; g++) {
            groups[g] = (int) (hi >>> (48 - 16 * g)) & 0xFFFF;
            groups[g + 4] = (int) (lo >>> (48 - 16 * g)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is never compressed
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int runStart = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - runStart > bestLength) {
                bestStart = runStart;
                bestLength = g - runStart;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[g]));
        }
        return out.toString();
    }

    static String formatIpv4(long value) {
        return ((value >>> 24) & 0xFF) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "."
                + (value & 0xFF);
    }

    private static boolean isDecimalDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** 0..15 for an ASCII hex digit (HexFormat accepts no other digits), else -1. */
    private static int hexValue(char c) {
        return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
    }
}
