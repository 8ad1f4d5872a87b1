package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.node.dataplane.LinkEvent;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.MacAddress;
import io.weft.node.dataplane.VxlanSpec;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * RTM_*LINK requests and replies: struct ifinfomsg (family, type, index, flags, change) followed
 * by IFLA_* attributes; a vxlan device's settings nest in IFLA_LINKINFO / IFLA_INFO_DATA.
 */
final class LinkMessages {

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int IFINFOMSG_LENGTH = 16;
    static final int IFF_UP = 0x1;
    /** ifi_change of a device's first RTM_NEWLINK: the kernel reports every flag as changed. */
    static final int CHANGE_ALL = 0xffffffff;

    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;

    static final int IFLA_VXLAN_ID = 1;
    static final int IFLA_VXLAN_LINK = 3;
    static final int IFLA_VXLAN_LOCAL = 4;
    static final int IFLA_VXLAN_LEARNING = 7;
    static final int IFLA_VXLAN_PORT = 15;
    static final int IFLA_VXLAN_LOCAL6 = 17;
    static final int IFLA_VXLAN_GBP = 23;

    private LinkMessages() {}

    /** {@code ip link show NAME}: RTM_GETLINK by name; the kernel answers ENODEV when it is missing. */
    static void getByName(NetlinkMessageWriter writer, int sequence, String name) {
        writer.begin(RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        ifinfomsg(writer, 0, 0, 0);
        writer.attributeString(IFLA_IFNAME, name).end();
    }

    /** {@code ip link show}: every device. */
    static void dump(NetlinkMessageWriter writer, int sequence) {
        writer.begin(RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, sequence);
        ifinfomsg(writer, 0, 0, 0);
        writer.end();
    }

    /** {@code ip link add NAME address MAC mtu MTU type vxlan id VNI local IP dev UNDERLAY dstport PORT [no]learning [gbp]}. */
    static void addVxlan(NetlinkMessageWriter writer, int sequence, VxlanSpec spec, int underlayIndex) {
        writer.begin(
                RTM_NEWLINK,
                NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_EXCL,
                sequence);
        ifinfomsg(writer, 0, 0, 0);
        writer.attributeString(IFLA_IFNAME, spec.name()).attribute(IFLA_ADDRESS, MacAddress.toBytes(spec.mac()));
        if (spec.mtu() > 0) {
            writer.attributeU32(IFLA_MTU, spec.mtu());
        }
        writer.beginNested(IFLA_LINKINFO)
                .attributeString(IFLA_INFO_KIND, "vxlan")
                .beginNested(IFLA_INFO_DATA)
                .attributeU32(IFLA_VXLAN_ID, spec.vni())
                .attribute(
                        spec.local().family() == IpFamily.IPV4 ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6,
                        spec.local().toBytes())
                .attributeU32(IFLA_VXLAN_LINK, underlayIndex)
                .attributeU8(IFLA_VXLAN_LEARNING, spec.learning() ? 1 : 0);
        if (spec.port() > 0) {
            writer.attributeU16BigEndian(IFLA_VXLAN_PORT, spec.port());
        }
        if (spec.gbp()) {
            writer.attributeFlag(IFLA_VXLAN_GBP);
        }
        writer.endNested().endNested().end();
    }

    /** {@code ip link del NAME}. */
    static void deleteByName(NetlinkMessageWriter writer, int sequence, String name) {
        writer.begin(RTM_DELLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        ifinfomsg(writer, 0, 0, 0);
        writer.attributeString(IFLA_IFNAME, name).end();
    }

    /** {@code ip link set NAME up}: sets IFF_UP, and only it, through ifi_change. */
    static void setUp(NetlinkMessageWriter writer, int sequence, String name) {
        writer.begin(RTM_NEWLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        ifinfomsg(writer, 0, IFF_UP, IFF_UP);
        writer.attributeString(IFLA_IFNAME, name).end();
    }

    /** {@code ip link set NAME mtu MTU}: an RTM_NEWLINK naming the device and carrying IFLA_MTU, no flags changed. */
    static void setMtu(NetlinkMessageWriter writer, int sequence, String name, int mtu) {
        writer.begin(RTM_NEWLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        ifinfomsg(writer, 0, 0, 0);
        writer.attributeString(IFLA_IFNAME, name).attributeU32(IFLA_MTU, mtu).end();
    }

    private static void ifinfomsg(NetlinkMessageWriter writer, int index, int flags, int change) {
        writer.u8(AddressFamily.AF_UNSPEC).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    /**
     * The device an RTM_NEWLINK reply describes. {@code kind} is "" for devices without a link
     * kind (physical ones, loopback), and {@code mac} is "" when the link-layer address is not
     * Ethernet's 6 bytes. A vxlan device without a local address reports 0.0.0.0.
     */
    static Optional<LinkInfo> parse(NetlinkMessage message) {
        if (message.type() != RTM_NEWLINK || message.payloadFrom(0).remaining() < IFINFOMSG_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer header = message.payloadFrom(0);
        int index = header.getInt(4);
        int flags = header.getInt(8);
        NetlinkAttributes attributes = NetlinkAttributes.after(message, IFINFOMSG_LENGTH);
        Optional<NetlinkAttributes> linkInfo = attributes.nested(IFLA_LINKINFO);
        String kind = linkInfo.flatMap(info -> info.string(IFLA_INFO_KIND)).orElse("");
        Optional<LinkInfo.VxlanAttributes> vxlan = "vxlan".equals(kind)
                ? Optional.of(vxlan(linkInfo.flatMap(info -> info.nested(IFLA_INFO_DATA))))
                : Optional.empty();
        String mac = attributes
                .bytes(IFLA_ADDRESS)
                .filter(b -> b.length == 6)
                .map(MacAddress::fromBytes)
                .orElse("");
        return Optional.of(new LinkInfo(
                attributes.string(IFLA_IFNAME).orElse(""),
                index,
                kind,
                (flags & IFF_UP) != 0,
                attributes.u32(IFLA_MTU).orElse(0),
                mac,
                vxlan));
    }

    private static LinkInfo.VxlanAttributes vxlan(Optional<NetlinkAttributes> data) {
        NetlinkAttributes d = data.orElseGet(() -> NetlinkAttributes.parse(ByteBuffer.allocate(0)));
        IpAddress local = AddressFamily.address(d.bytes(IFLA_VXLAN_LOCAL))
                .or(() -> AddressFamily.address(d.bytes(IFLA_VXLAN_LOCAL6)))
                .orElse(IpAddress.parse("0.0.0.0"));
        return new LinkInfo.VxlanAttributes(
                d.u32(IFLA_VXLAN_ID).orElse(0),
                d.u16BigEndian(IFLA_VXLAN_PORT).orElse(0),
                local,
                d.u32(IFLA_VXLAN_LINK).orElse(0),
                d.u8(IFLA_VXLAN_LEARNING).orElse(0) != 0,
                d.has(IFLA_VXLAN_GBP));
    }

    /** What an RTM_NEWLINK or RTM_DELLINK notification says happened to a device. */
    static Optional<LinkEvent> event(NetlinkMessage message) {
        if ((message.type() != RTM_NEWLINK && message.type() != RTM_DELLINK)
                || message.payloadFrom(0).remaining() < IFINFOMSG_LENGTH) {
            return Optional.empty();
        }
        ByteBuffer header = message.payloadFrom(0);
        int index = header.getInt(4);
        boolean up = (header.getInt(8) & IFF_UP) != 0;
        LinkEvent.Change change = message.type() == RTM_DELLINK
                ? LinkEvent.Change.REMOVED
                : header.getInt(12) == CHANGE_ALL ? LinkEvent.Change.ADDED : LinkEvent.Change.CHANGED;
        String name = NetlinkAttributes.after(message, IFINFOMSG_LENGTH)
                .string(IFLA_IFNAME)
                .orElse("");
        return Optional.of(new LinkEvent(change, name, index, up));
    }

    /** The ip command equivalent of {@link #addVxlan}, for messages. */
    static String describeVxlanAdd(VxlanSpec spec) {
        return "link add " + spec.name() + " address " + spec.mac() + (spec.mtu() > 0 ? " mtu " + spec.mtu() : "")
                + " type vxlan id " + spec.vni() + " local " + spec.local() + " dev " + spec.underlay()
                + (spec.port() > 0 ? " dstport " + spec.port() : "") + (spec.learning() ? " learning" : " nolearning")
                + (spec.gbp() ? " gbp" : "");
    }
}
