package io.weft.node.dataplane;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Parses and prints Ethernet MAC addresses in the kernel's "aa:bb:cc:dd:ee:ff" form. */
public final class MacAddress {

    private static final Pattern FORM = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

    private MacAddress() {}

    /** The lower-case form; IllegalArgumentException when it is not a MAC address. */
    public static String canonical(String mac) {
        if (mac == null || !FORM.matcher(mac).matches()) {
            throw new IllegalArgumentException("\"" + mac + "\" is not a MAC address like 0a:58:0a:f4:01:01");
        }
        return mac.toLowerCase(Locale.ROOT);
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
