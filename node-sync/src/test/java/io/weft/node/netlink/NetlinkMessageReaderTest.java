package io.weft.node.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkEvent;
import io.weft.node.dataplane.LinkInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decoding what the kernel sends: datagram splitting, acknowledgements with extended-ack text,
 * and link, route and FDB replies, built here byte for byte as the kernel lays them out.
 */
@Timeout(10)
class NetlinkMessageReaderTest {

    private static NetlinkMessage only(NetlinkMessageWriter writer) {
        byte[] bytes = writer.toByteArray();
        return NetlinkMessageReader.read(bytes, bytes.length).getFirst();
    }

    @Test
    void aHeaderClaimingMoreThanTheDatagramHoldsIsRejected() {
        byte[] bytes = new NetlinkMessageWriter().begin(1, 0, 1).u32(0).end().toByteArray();
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(0, 64);

        assertThatThrownBy(() -> NetlinkMessageReader.read(bytes, bytes.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("claims 64 bytes but 20 remain");
    }

    @Test
    void onlyTheReceivedLengthIsRead() {
        byte[] bytes = new NetlinkMessageWriter()
                .begin(1, 0, 1)
                .u32(0)
                .end()
                .begin(1, 0, 2)
                .u32(0)
                .end()
                .toByteArray();

        assertThat(NetlinkMessageReader.read(bytes, 20))
                .extracting(NetlinkMessage::sequence)
                .containsExactly(1);
    }

    /** An NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK on. */
    private static NetlinkMessage error(int errno, String text, int sequence) {
        int flags = NetlinkMessage.NLM_F_CAPPED | (text == null ? 0 : NetlinkMessage.NLM_F_ACK_TLVS);
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(NetlinkMessage.NLMSG_ERROR, flags, sequence)
                .u32(-errno)
                .u32(60)
                .u16(RouteMessages.RTM_NEWROUTE)
                .u16(0x505)
                .u32(sequence)
                .u32(0); // the request's header
        if (text != null) {
            writer.attributeString(NetlinkAck.NLMSGERR_ATTR_MSG, text).attributeU32(2, 36); // ATTR_MSG, ATTR_OFFS
        }
        return only(writer.end());
    }

    @Test
    void anAckCarriesTheErrnoAndTheKernelsText() {
        NetlinkAck ack = NetlinkAck.parse(error(101, "Nexthop has invalid gateway", 7));

        assertThat(ack.sequence()).isEqualTo(7);
        assertThat(ack.succeeded()).isFalse();
        assertThat(ack.errno()).isEqualTo(101);
        assertThat(ack.kernelMessage()).contains("Nexthop has invalid gateway");
        assertThat(ack.reason()).isEqualTo("Nexthop has invalid gateway (ENETUNREACH)");
    }

    @Test
    void withoutExtendedAckTextTheReasonIsLibcsText() {
        NetlinkAck ack = NetlinkAck.parse(error(3, null, 8));

        assertThat(ack.kernelMessage()).isEmpty();
        assertThat(ack.reason()).isEqualTo("No such process (ESRCH)");
        assertThat(NetlinkAck.parse(error(0, null, 9)).succeeded()).isTrue();
        assertThat(Errno.describe(250)).isEqualTo("error 250 (errno 250)");
    }

    @Test
    void anUncappedAckSkipsTheEchoedRequestBeforeItsAttributes() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(NetlinkMessage.NLMSG_ERROR, NetlinkMessage.NLM_F_ACK_TLVS, 5)
                .u32(-17)
                .u32(24)
                .u16(LinkMessages.RTM_NEWLINK)
                .u16(0x605)
                .u32(5)
                .u32(0)
                .u32(0xdeadbeef)
                .u32(0) // header + 8 bytes
                .attributeString(NetlinkAck.NLMSGERR_ATTR_MSG, "A VXLAN device with the specified VNI already exists")
                .end();

        assertThat(NetlinkAck.parse(only(writer)).reason())
                .isEqualTo("A VXLAN device with the specified VNI already exists (EEXIST)");
    }

    @Test
    void aVxlanLinkReplyIsParsedIntoLinkInfo() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(LinkMessages.RTM_NEWLINK, 0, 3)
                .u8(0)
                .u8(0)
                .u16(1)
                .u32(12)
                .u32(LinkMessages.IFF_UP | 0x1000)
                .u32(0)
                .attributeString(LinkMessages.IFLA_IFNAME, "flannel-v6.1")
                .attributeU32(LinkMessages.IFLA_MTU, 1430)
                .attribute(LinkMessages.IFLA_ADDRESS, new byte[] {0x0a, 0x58, 0x0a, (byte) 0xf4, 0x01, 0x02})
                .beginNested(LinkMessages.IFLA_LINKINFO)
                .attributeString(LinkMessages.IFLA_INFO_KIND, "vxlan")
                .beginNested(LinkMessages.IFLA_INFO_DATA)
                .attributeU32(LinkMessages.IFLA_VXLAN_ID, 7)
                .attribute(
                        LinkMessages.IFLA_VXLAN_LOCAL6,
                        IpAddress.parse("fd77::1").toBytes())
                .attributeU32(LinkMessages.IFLA_VXLAN_LINK, 2)
                .attributeU8(LinkMessages.IFLA_VXLAN_LEARNING, 1)
                .attributeU16BigEndian(LinkMessages.IFLA_VXLAN_PORT, 4789)
                .attributeFlag(LinkMessages.IFLA_VXLAN_GBP)
                .endNested()
                .endNested()
                .end();

        Optional<LinkInfo> link = LinkMessages.parse(only(writer));

        assertThat(link)
                .contains(new LinkInfo(
                        "flannel-v6.1",
                        12,
                        "vxlan",
                        true,
                        1430,
                        "0a:58:0a:f4:01:02",
                        Optional.of(new LinkInfo.VxlanAttributes(7, 4789, IpAddress.parse("fd77::1"), 2, true, true))));
    }

    @Test
    void aDeviceWithoutKindOrEthernetAddressHasEmptyOnes() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(LinkMessages.RTM_NEWLINK, 0, 3)
                .u8(0)
                .u8(0)
                .u16(0)
                .u32(4)
                .u32(0)
                .u32(0)
                .attributeString(LinkMessages.IFLA_IFNAME, "ipip0")
                .attribute(LinkMessages.IFLA_ADDRESS, new byte[4])
                .end();

        assertThat(LinkMessages.parse(only(writer)))
                .contains(new LinkInfo("ipip0", 4, "", false, 0, "", Optional.empty()));
    }

    @Test
    void aFirstNewLinkIsAnAddedEventAndDelLinkARemovedOne() {
        NetlinkMessage added = only(new NetlinkMessageWriter()
                .begin(LinkMessages.RTM_NEWLINK, 0, 0)
                .u8(0)
                .u8(0)
                .u16(1)
                .u32(9)
                .u32(0)
                .u32(LinkMessages.CHANGE_ALL)
                .attributeString(LinkMessages.IFLA_IFNAME, "flannel.1")
                .end());
        NetlinkMessage removed = only(new NetlinkMessageWriter()
                .begin(LinkMessages.RTM_DELLINK, 0, 0)
                .u8(0)
                .u8(0)
                .u16(1)
                .u32(9)
                .u32(0)
                .u32(0)
                .attributeString(LinkMessages.IFLA_IFNAME, "flannel.1")
                .end());

        assertThat(LinkMessages.event(added)).contains(new LinkEvent(LinkEvent.Change.ADDED, "flannel.1", 9, false));
        assertThat(LinkMessages.event(removed))
                .contains(new LinkEvent(LinkEvent.Change.REMOVED, "flannel.1", 9, false));
    }

    private static NetlinkMessage route(int protocol, int table, int flags) {
        return only(new NetlinkMessageWriter()
                .begin(RouteMessages.RTM_NEWROUTE, NetlinkMessage.NLM_F_MULTI, 1)
                .u8(AddressFamily.AF_INET)
                .u8(24)
                .u8(0)
                .u8(0)
                .u8(table)
                .u8(protocol)
                .u8(0)
                .u8(RouteMessages.RTN_UNICAST)
                .u32(flags)
                .attributeU32(RouteMessages.RTA_TABLE, table)
                .attribute(RouteMessages.RTA_DST, new byte[] {10, (byte) 244, 2, 0})
                .attribute(RouteMessages.RTA_GATEWAY, new byte[] {10, (byte) 244, 2, 0})
                .attributeU32(RouteMessages.RTA_OIF, 5)
                .end());
    }

    @Test
    void onlyMainTableRoutesWithWeftsProtocolAreWefts() {
        assertThat(RouteMessages.parseWeftRoute(
                        route(RouteProtocol.WEFT, RouteMessages.RT_TABLE_MAIN, RouteMessages.RTNH_F_ONLINK)))
                .contains(new RouteMessages.RouteEntry(
                        IpPrefix.parse("10.244.2.0/24"), IpAddress.parse("10.244.2.0"), 5, true));
        assertThat(RouteMessages.parseWeftRoute(route(4, RouteMessages.RT_TABLE_MAIN, 0)))
                .as("proto static")
                .isEmpty();
        assertThat(RouteMessages.parseWeftRoute(route(RouteProtocol.WEFT, 255, 0)))
                .as("table local")
                .isEmpty();
    }

    @Test
    void fdbEntriesOfOtherDevicesOrWithoutDestinationAreSkipped() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter();
        for (int[] entry : new int[][] {{5, 1}, {6, 1}, {5, 0}}) {
            writer.begin(NeighbourMessages.RTM_NEWNEIGH, NetlinkMessage.NLM_F_MULTI, 1);
            NeighbourMessages.ndmsg(
                    writer, AddressFamily.AF_BRIDGE, entry[0], NeighbourMessages.NUD_PERMANENT, FdbMessages.NTF_SELF);
            writer.attribute(NeighbourMessages.NDA_LLADDR, new byte[] {2, 0, 0, 0, 0, 1});
            if (entry[1] == 1) {
                writer.attribute(
                        NeighbourMessages.NDA_DST, IpAddress.parse("fd77::9").toBytes());
            }
            writer.end();
        }
        byte[] bytes = writer.toByteArray();

        List<FdbMessages.FdbEntry> entries = NetlinkMessageReader.read(bytes, bytes.length).stream()
                .flatMap(m -> FdbMessages.parse(m, 5).stream())
                .toList();

        assertThat(entries).containsExactly(new FdbMessages.FdbEntry("02:00:00:00:00:01", IpAddress.parse("fd77::9")));
    }

    @Test
    void changesAreDescribedAsTheirIpAndBridgeCommands() {
        KernelRoute route =
                new KernelRoute(IpPrefix.parse("10.244.2.0/24"), IpAddress.parse("10.244.2.0"), "flannel.1", true);
        KernelFdbEntry fdb = new KernelFdbEntry("0A:58:0A:F4:02:01", IpAddress.parse("192.168.77.2"), "flannel.1");

        assertThat(ChangeBatchApplier.describe(new KernelChange.RouteReplace(route)))
                .isEqualTo("route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink");
        assertThat(ChangeBatchApplier.describe(new KernelChange.FdbReplace(fdb)))
                .isEqualTo("fdb replace 0a:58:0a:f4:02:01 dev flannel.1 dst 192.168.77.2 self permanent");
        assertThat(ChangeBatchApplier.describe(new KernelChange.FdbDelete(fdb)))
                .isEqualTo("fdb del 0a:58:0a:f4:02:01 dev flannel.1 self");
    }
}
