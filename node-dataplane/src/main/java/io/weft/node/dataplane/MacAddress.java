package io.weft.node.dataplane;

import java.util.HexFormat;
import java.util.Locale;

/** Parses and prints Ethernet MAC addresses in the kernel's "aa:bb:cc:dd:ee:ff" form. */
public final class MacAddress {

    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

    private MacAddress() {}

    /**
     * The lower-case form; IllegalArgumentException when it is not six colon-separated pairs of
     * hex digits. Every peer's MAC passes here at each reconcile, so it is a scan, not a pattern
     * match.
     */
    public static String canonical(String mac) {
        if (!wellFormed(mac)) {
            throw new IllegalArgumentException("\"" + mac + "\" is not a MAC address like 0a:58:0a:f4:01:01");
        }
        return mac.toLowerCase(Locale.ROOT);
    }

    private static boolean wellFormed(String mac) {
        if (mac == null || mac.length() != 17) {
            return false;
        }
        for (int i = 0; i < 17; i++) {
            char c = mac.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : HexFormat.isHexDigit(c);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static byte[] toBytes(String mac) {
        return COLONS.parseHex(canonical(mac));
    }

    public static String fromBytes(byte[] bytes) {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
        }
        return COLONS.formatHex(bytes);
    }
}
