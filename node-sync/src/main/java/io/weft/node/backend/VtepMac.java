package io.weft.node.backend;

import io.weft.config.IpFamily;
import io.weft.node.dataplane.MacAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The MAC address of this node's VTEP: derived from the node name and VNI, so a node that
 * re-creates its device (after a reboot, or a wiped device) comes back with the same MAC and
 * its peers' neighbour and FDB entries stay right. The first six bytes of SHA-256 of
 * {@code "weft-vtep:" + node + ":" + vni} ({@code "weft-vtep-v6:"} for the IPv6 device), with the
 * locally-administered bit set and the multicast bit cleared.
 *
 * <p>The derived MAC is only used when a device is created: an existing compatible device keeps
 * its MAC (see {@link VxlanDevice#plan}), so taking over a device flanneld created keeps the MAC
 * its lease already advertises.
 */
public final class VtepMac {

    private VtepMac() {}

    public static String derive(String nodeName, int vni, IpFamily family) {
        String prefix = family == IpFamily.IPV4 ? "weft-vtep:" : "weft-vtep-v6:";
        byte[] digest = sha256(prefix + nodeName + ":" + Integer.toUnsignedString(vni));
        byte[] mac = Arrays.copyOf(digest, 6);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return MacAddress.fromBytes(mac);
    }

    /** True for a MAC a VTEP can have: not multicast (or broadcast), not all zeros. */
    public static boolean isUnicast(String mac) {
        byte[] bytes = MacAddress.toBytes(mac);
        boolean zero = true;
        for (byte b : bytes) {
            zero &= b == 0;
        }
        return !zero && (bytes[0] & 0x01) == 0;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
