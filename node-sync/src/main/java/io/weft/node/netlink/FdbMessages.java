package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.MacAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Bridge forwarding entries of a vxlan device: RTM_*NEIGH with family AF_BRIDGE and NTF_SELF
 * (the entry belongs to the vxlan device itself, not to a bridge it is a port of). NDA_LLADDR is
 * the remote VTEP's MAC, NDA_DST the remote host's underlay address.
 */
final class FdbMessages {

    static final int NTF_SELF = 0x2;

    /** An FDB entry of one device as the kernel reports it. */
    record FdbEntry(String mac, IpAddress destination) {}

    private FdbMessages() {}

    /** {@code bridge fdb replace MAC dev DEVICE dst DESTINATION self permanent}. */
    static void replace(NetlinkMessageWriter writer, int sequence, KernelFdbEntry entry, int deviceIndex) {
        writer.begin(
                NeighbourMessages.RTM_NEWNEIGH,
                NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_REPLACE,
                sequence);
        NeighbourMessages.ndmsg(
                writer, AddressFamily.AF_BRIDGE, deviceIndex, NeighbourMessages.NUD_PERMANENT, NTF_SELF);
        writer.attribute(NeighbourMessages.NDA_LLADDR, MacAddress.toBytes(entry.mac()))
                .attribute(NeighbourMessages.NDA_DST, entry.destination().toBytes())
                .end();
    }

    /**
     * {@code bridge fdb del MAC dev DEVICE self}: without NDA_DST the kernel removes the MAC's
     * entry whatever its destinations (ENOENT when there is none).
     */
    static void delete(NetlinkMessageWriter writer, int sequence, String mac, int deviceIndex) {
        writer.begin(NeighbourMessages.RTM_DELNEIGH, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        NeighbourMessages.ndmsg(writer, AddressFamily.AF_BRIDGE, deviceIndex, 0, NTF_SELF);
        writer.attribute(NeighbourMessages.NDA_LLADDR, MacAddress.toBytes(mac)).end();
    }

    /**
     * {@code bridge fdb show dev DEVICE}. The request header is a struct ifinfomsg whose index
     * the kernel uses as the port filter (what iproute2 sends; a bare ndmsg is not filtered).
     */
    static void dump(NetlinkMessageWriter writer, int sequence, int deviceIndex) {
        writer.begin(
                NeighbourMessages.RTM_GETNEIGH, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, sequence);
        writer.u8(AddressFamily.AF_BRIDGE)
                .u8(0)
                .u16(0)
                .u32(deviceIndex)
                .u32(0)
                .u32(0)
                .end();
    }

    /** An entry of device {@code deviceIndex} that has a destination, else empty. */
    static Optional<FdbEntry> parse(NetlinkMessage message, int deviceIndex) {
        if (message.type() != NeighbourMessages.RTM_NEWNEIGH
                || message.payloadFrom(0).remaining() < NeighbourMessages.NDMSG_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer header = message.payloadFrom(0);
        if (Byte.toUnsignedInt(header.get(0)) != AddressFamily.AF_BRIDGE || header.getInt(4) != deviceIndex) {
            return Optional.empty();
        }
        NetlinkAttributes attributes = NetlinkAttributes.after(message, NeighbourMessages.NDMSG_LENGTH);
        Optional<String> mac = attributes
                .bytes(NeighbourMessages.NDA_LLADDR)
                .filter(b -> b.length == 6)
                .map(MacAddress::fromBytes);
        Optional<IpAddress> destination = AddressFamily.address(attributes.bytes(NeighbourMessages.NDA_DST));
        if (mac.isEmpty() || destination.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FdbEntry(mac.get(), destination.get()));
    }

    static String describe(String verb, KernelFdbEntry entry) {
        return verb.equals("del")
                ? "fdb del " + entry.mac() + " dev " + entry.device() + " self"
                : "fdb " + verb + " " + entry.mac() + " dev " + entry.device() + " dst " + entry.destination()
                        + " self permanent";
    }
}
