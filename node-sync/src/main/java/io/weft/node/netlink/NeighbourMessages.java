package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.MacAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * RTM_*NEIGH requests and replies for IPv4 ARP and IPv6 neighbour entries: struct ndmsg
 * (family, padding, ifindex, state, flags, type) followed by NDA_* attributes. The bridge FDB
 * uses the same messages with family AF_BRIDGE (see {@link FdbMessages}).
 */
final class NeighbourMessages {

    static final int RTM_NEWNEIGH = 28;
    static final int RTM_DELNEIGH = 29;
    static final int RTM_GETNEIGH = 30;
    static final int NDMSG_LENGTH = 12;
    static final int NUD_PERMANENT = 0x80;
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int NDA_IFINDEX = 8;

    /** A neighbour of one device as the kernel reports it. */
    record NeighbourEntry(IpAddress address, String mac) {}

    private NeighbourMessages() {}

    /** {@code ip neigh replace ADDRESS lladdr MAC dev DEVICE nud permanent}. */
    static void replace(NetlinkMessageWriter writer, int sequence, KernelNeighbour neighbour, int deviceIndex) {
        writer.begin(
                RTM_NEWNEIGH,
                NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_REPLACE,
                sequence);
        ndmsg(writer, AddressFamily.of(neighbour.address().family()), deviceIndex, NUD_PERMANENT, 0);
        writer.attribute(NDA_DST, neighbour.address().toBytes())
                .attribute(NDA_LLADDR, MacAddress.toBytes(neighbour.mac()))
                .end();
    }

    /** {@code ip neigh del ADDRESS dev DEVICE}; the kernel answers ENOENT when it is missing. */
    static void delete(NetlinkMessageWriter writer, int sequence, IpAddress address, int deviceIndex) {
        writer.begin(RTM_DELNEIGH, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        ndmsg(writer, AddressFamily.of(address.family()), deviceIndex, 0, 0);
        writer.attribute(NDA_DST, address.toBytes()).end();
    }

    /** {@code ip neigh show dev DEVICE}: the kernel filters by NDA_IFINDEX. */
    static void dump(NetlinkMessageWriter writer, int sequence, IpFamily family, int deviceIndex) {
        writer.begin(RTM_GETNEIGH, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, sequence);
        ndmsg(writer, AddressFamily.of(family), 0, 0, 0);
        writer.attributeU32(NDA_IFINDEX, deviceIndex).end();
    }

    static void ndmsg(NetlinkMessageWriter writer, int family, int deviceIndex, int state, int flags) {
        writer.u8(family).u8(0).u16(0).u32(deviceIndex).u16(state).u8(flags).u8(0);
    }

    /** A permanent neighbour of {@code family} on device {@code deviceIndex}, else empty. */
    static Optional<NeighbourEntry> parsePermanent(NetlinkMessage message, IpFamily family, int deviceIndex) {
        if (message.type() != RTM_NEWNEIGH || message.payloadFrom(0).remaining() < NDMSG_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer header = message.payloadFrom(0);
        int state = Short.toUnsignedInt(header.getShort(8));
        if (Byte.toUnsignedInt(header.get(0)) != AddressFamily.of(family)
                || header.getInt(4) != deviceIndex
                || (state & NUD_PERMANENT) == 0) {
            return Optional.empty();
        }
        NetlinkAttributes attributes = NetlinkAttributes.after(message, NDMSG_LENGTH);
        Optional<IpAddress> address = AddressFamily.address(attributes.bytes(NDA_DST));
        Optional<String> mac =
                attributes.bytes(NDA_LLADDR).filter(b -> b.length == 6).map(MacAddress::fromBytes);
        if (address.isEmpty() || mac.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NeighbourEntry(address.get(), mac.get()));
    }

    static String describe(String verb, KernelNeighbour neighbour) {
        return verb.equals("del")
                ? "neigh del " + neighbour.address() + " dev " + neighbour.device()
                : "neigh " + verb + " " + neighbour.address() + " lladdr " + neighbour.mac() + " dev "
                        + neighbour.device() + " nud permanent";
    }
}
