package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.HostInterface;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * RTM_*ADDR requests and replies: struct ifaddrmsg (family, prefix length, flags, scope, index)
 * followed by IFA_* attributes.
 */
final class AddressMessages {

    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int IFADDRMSG_LENGTH = 8;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;

    private AddressMessages() {}

    /** {@code ip addr replace ADDRESS dev DEVICE}. */
    static void replace(NetlinkMessageWriter writer, int sequence, int deviceIndex, IpPrefix address) {
        writer.begin(
                RTM_NEWADDR,
                NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_REPLACE,
                sequence);
        body(writer, deviceIndex, address);
    }

    /** {@code ip addr del ADDRESS dev DEVICE}; the kernel answers EADDRNOTAVAIL when it is missing. */
    static void delete(NetlinkMessageWriter writer, int sequence, int deviceIndex, IpPrefix address) {
        writer.begin(RTM_DELADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        body(writer, deviceIndex, address);
    }

    /** IFA_LOCAL and IFA_ADDRESS both hold the address: there is no point-to-point peer. */
    private static void body(NetlinkMessageWriter writer, int deviceIndex, IpPrefix address) {
        ifaddrmsg(writer, AddressFamily.of(address.family()), address.length(), deviceIndex);
        byte[] bytes = address.address().toBytes();
        writer.attribute(IFA_LOCAL, bytes).attribute(IFA_ADDRESS, bytes).end();
    }

    /** {@code ip addr show}: every address of one family (AF_INET or AF_INET6). */
    static void dump(NetlinkMessageWriter writer, int sequence, int addressFamily) {
        writer.begin(RTM_GETADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, sequence);
        ifaddrmsg(writer, addressFamily, 0, 0);
        writer.end();
    }

    private static void ifaddrmsg(NetlinkMessageWriter writer, int family, int prefixLength, int index) {
        writer.u8(family).u8(prefixLength).u8(0).u8(0).u32(index);
    }

    /** The interface index an RTM_NEWADDR reply belongs to, or -1 for another message. */
    static int deviceIndex(NetlinkMessage message) {
        if (message.type() != RTM_NEWADDR || message.payloadFrom(0).remaining() < IFADDRMSG_LENGTH) {
            return -1;
        }
        return message.payloadFrom(0).getInt(4);
    }

    /**
     * The address an RTM_NEWADDR reply carries (IFA_LOCAL, else IFA_ADDRESS) with its prefix
     * length. Empty when the address has host bits set (192.168.1.5/24): {@link IpPrefix} holds
     * network prefixes only, and weft's own device addresses (10.244.1.0/32) never have them.
     */
    static Optional<IpPrefix> parse(NetlinkMessage message) {
        if (deviceIndex(message) < 0) {
            return Optional.empty();
        }
        ByteBuffer header = message.payloadFrom(0);
        int prefixLength = Byte.toUnsignedInt(header.get(1));
        NetlinkAttributes attributes = NetlinkAttributes.after(message, IFADDRMSG_LENGTH);
        Optional<IpAddress> address = AddressFamily.address(attributes.bytes(IFA_LOCAL))
                .or(() -> AddressFamily.address(attributes.bytes(IFA_ADDRESS)));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(IpPrefix.of(address.get(), prefixLength));
        } catch (IllegalArgumentException hostBitsSet) {
            return Optional.empty();
        }
    }

    /**
     * The address an RTM_NEWADDR reply carries (IFA_LOCAL, else IFA_ADDRESS) as the host holds
     * it, host bits and all (192.168.1.5 and 24).
     */
    static Optional<HostInterface.Address> parseHostAddress(NetlinkMessage message) {
        if (deviceIndex(message) < 0) {
            return Optional.empty();
        }
        int prefixLength = Byte.toUnsignedInt(message.payloadFrom(0).get(1));
        NetlinkAttributes attributes = NetlinkAttributes.after(message, IFADDRMSG_LENGTH);
        return AddressFamily.address(attributes.bytes(IFA_LOCAL))
                .or(() -> AddressFamily.address(attributes.bytes(IFA_ADDRESS)))
                .map(address -> new HostInterface.Address(address, prefixLength));
    }

    static String describe(String verb, String device, IpPrefix address) {
        return "addr " + verb + " " + address + " dev " + device;
    }
}
