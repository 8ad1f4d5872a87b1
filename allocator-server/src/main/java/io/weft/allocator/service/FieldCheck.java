package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.store.LeaseValue;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.regex.Pattern;

/**
 * Checks one request field and answers its parsed value, or throws INVALID_ARGUMENT naming
 * the field, what was wrong and what is allowed. Nothing is written before every field of a
 * request has passed.
 */
final class FieldCheck {

    static final int MAX_NODE_NAME = LeaseValue.MAX_NODE_NAME;
    private static final int MAX_ADDRESS_TEXT = 64;
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

    private FieldCheck() {}

    static String nodeName(String field, String value) {
        if (value.isEmpty()) {
            throw invalid(
                    field,
                    "is required: the node's name, 1.." + MAX_NODE_NAME
                            + " characters of letters, digits, '.', '_' and '-'");
        }
        if (value.length() > MAX_NODE_NAME) {
            throw invalid(
                    field, "is " + value.length() + " characters long; at most " + MAX_NODE_NAME + " are allowed");
        }
        if (!LeaseValue.isNodeName(value)) {
            throw invalid(
                    field,
                    quote(value) + " is not a node name: use letters, digits, '.', '_' and '-',"
                            + " starting and ending with a letter or digit");
        }
        return value;
    }

    static IpAddress address(String field, String value, IpFamily family) {
        if (value.length() > MAX_ADDRESS_TEXT) {
            throw invalid(
                    field, "is " + value.length() + " characters long; not an " + familyName(family) + " address");
        }
        IpAddress address;
        try {
            address = IpAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(field, quote(value) + " is not an " + familyName(family) + " address");
        }
        if (address.family() != family) {
            throw invalid(
                    field,
                    quote(value) + " is an " + familyName(address.family()) + " address; an " + familyName(family)
                            + " address is required");
        }
        return address;
    }

    static IpPrefix subnet(String field, String value, IpFamily family) {
        if (value.length() > MAX_ADDRESS_TEXT) {
            throw invalid(field, "is " + value.length() + " characters long; not a CIDR");
        }
        IpPrefix prefix;
        try {
            prefix = IpPrefix.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(
                    field,
                    quote(value) + " is not a CIDR such as "
                            + (family == IpFamily.IPV4 ? "10.244.3.0/24" : "fd00:12:13::/64") + " (" + e.getMessage()
                            + ")");
        }
        if (family != null && prefix.family() != family) {
            throw invalid(
                    field,
                    quote(value) + " is an " + familyName(prefix.family()) + " subnet; an " + familyName(family)
                            + " subnet is required");
        }
        return prefix;
    }

    static String mac(String field, String value) {
        if (!MAC.matcher(value).matches()) {
            throw invalid(
                    field,
                    quote(value.length() > 40 ? value.substring(0, 40) + "..." : value)
                            + " is not a MAC address like 0a:58:0a:f4:01:01");
        }
        int firstOctet = Integer.parseInt(value.substring(0, 2), 16);
        if ((firstOctet & 1) != 0) {
            throw invalid(field, quote(value) + " is a multicast MAC address; a unicast one is required");
        }
        if (value.equals("00:00:00:00:00:00")) {
            throw invalid(field, "the zero MAC address is not a VTEP address");
        }
        return value.toLowerCase(java.util.Locale.ROOT);
    }

    static StatusRuntimeException invalid(String field, String problem) {
        return Status.INVALID_ARGUMENT.withDescription(field + ": " + problem).asRuntimeException();
    }

    static String familyName(IpFamily family) {
        return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }

    private static String quote(String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "\"" + shown + "\"";
    }
}
