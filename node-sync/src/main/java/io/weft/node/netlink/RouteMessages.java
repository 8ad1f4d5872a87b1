package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelRoute;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * RTM_*ROUTE requests and replies: struct rtmsg (family, dst_len, src_len, tos, table, protocol,
 * scope, type, flags) followed by RTA_* attributes. weft's routes live in the main table, are
 * unicast, and carry {@link RouteProtocol#WEFT}.
 */
final class RouteMessages {

    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;
    static final int RTMSG_LENGTH = 12;
    static final int RT_TABLE_MAIN = 254;
    static final int RT_SCOPE_UNIVERSE = 0;
    /** In a delete: match a route of any scope. */
    static final int RT_SCOPE_NOWHERE = 255;

    static final int RTN_UNICAST = 1;
    static final int RTN_BLACKHOLE = 6;
    static final int RTNH_F_ONLINK = 0x4;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_TABLE = 15;

    /** One of weft's routes as the kernel reports it, with the output device still an index. */
    record RouteEntry(IpPrefix destination, IpAddress gateway, int deviceIndex, boolean onLink) {

        KernelRoute withDevice(String device) {
            return new KernelRoute(destination, gateway, device, onLink);
        }
    }

    /** A route of the main table of any protocol, with the output device still an index. */
    record MainRoute(IpPrefix destination, Optional<IpAddress> gateway, int deviceIndex) {}

    private RouteMessages() {}

    /** {@code ip route replace DEST via GATEWAY dev DEVICE [onlink] proto 0x77}. */
    static void replace(NetlinkMessageWriter writer, int sequence, KernelRoute route, int deviceIndex) {
        writer.begin(
                RTM_NEWROUTE,
                NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_REPLACE,
                sequence);
        rtmsg(writer, route.destination(), RT_SCOPE_UNIVERSE, RTN_UNICAST, route.onLink() ? RTNH_F_ONLINK : 0);
        destination(writer, route.destination());
        writer.attribute(RTA_GATEWAY, route.gateway().toBytes())
                .attributeU32(RTA_OIF, deviceIndex)
                .end();
    }

    /**
     * {@code ip route del DEST via GATEWAY dev DEVICE proto 0x77 table main}: the kernel deletes
     * only a route with that next hop and weft's protocol (ESRCH when there is none), so a route
     * that someone else owns or that already moved elsewhere stays.
     */
    static void delete(NetlinkMessageWriter writer, int sequence, KernelRoute route, int deviceIndex) {
        writer.begin(RTM_DELROUTE, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        rtmsg(writer, route.destination(), RT_SCOPE_NOWHERE, 0, 0);
        destination(writer, route.destination());
        writer.attribute(RTA_GATEWAY, route.gateway().toBytes())
                .attributeU32(RTA_OIF, deviceIndex)
                .end();
    }

    /** {@code ip route replace blackhole DEST proto 0x77 metric M}. */
    static void replaceBlackhole(NetlinkMessageWriter writer, int sequence, IpPrefix destination, int metric) {
        writer.begin(
                RTM_NEWROUTE,
                NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_REPLACE,
                sequence);
        rtmsg(writer, destination, RT_SCOPE_UNIVERSE, RTN_BLACKHOLE, 0);
        destination(writer, destination);
        writer.attributeU32(RTA_PRIORITY, metric).end();
    }

    /** {@code ip route del blackhole DEST proto 0x77 metric M}: ESRCH when there is none. */
    static void deleteBlackhole(NetlinkMessageWriter writer, int sequence, IpPrefix destination, int metric) {
        writer.begin(RTM_DELROUTE, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        rtmsg(writer, destination, RT_SCOPE_NOWHERE, RTN_BLACKHOLE, 0);
        destination(writer, destination);
        writer.attributeU32(RTA_PRIORITY, metric).end();
    }

    /** The destination of one of weft's blackhole routes of that metric in the main table; else empty. */
    static Optional<IpPrefix> parseWeftBlackhole(NetlinkMessage message, int metric) {
        return RouteHeader.of(message, false)
                .filter(route -> route.protocol() == RouteProtocol.WEFT
                        && route.table() == RT_TABLE_MAIN
                        && route.type() == RTN_BLACKHOLE
                        && route.attributes().u32(RTA_PRIORITY).orElse(0) == metric)
                .flatMap(RouteHeader::destination);
    }

    /** {@code ip route show table all}: every route of one family (AF_INET or AF_INET6). */
    static void dump(NetlinkMessageWriter writer, int sequence, int addressFamily) {
        writer.begin(RTM_GETROUTE, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, sequence);
        query(writer, addressFamily, 0).end();
    }

    /** {@code ip route get ADDRESS}: the kernel's route to one address (acknowledged). */
    static void get(NetlinkMessageWriter writer, int sequence, IpAddress destination) {
        writer.begin(RTM_GETROUTE, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, sequence);
        query(
                        writer,
                        AddressFamily.of(destination.family()),
                        destination.family().bits())
                .attribute(RTA_DST, destination.toBytes())
                .end();
    }

    /** The rtmsg of a query: the family and destination length, everything else left to the kernel. */
    private static NetlinkMessageWriter query(NetlinkMessageWriter writer, int addressFamily, int destinationLength) {
        return writer.u8(addressFamily)
                .u8(destinationLength)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u32(0);
    }

    /** The output interface an RTM_NEWROUTE reply names, of any table and type. */
    static OptionalInt outputDevice(NetlinkMessage message) {
        if (message.type() != RTM_NEWROUTE || message.payloadFrom(0).remaining() < RTMSG_LENGTH) {
            return OptionalInt.empty();
        }
        return NetlinkAttributes.after(message, RTMSG_LENGTH)
                .u32(RTA_OIF)
                .map(OptionalInt::of)
                .orElse(OptionalInt.empty());
    }

    private static void rtmsg(NetlinkMessageWriter writer, IpPrefix destination, int scope, int type, int flags) {
        writer.u8(AddressFamily.of(destination.family()))
                .u8(destination.length())
                .u8(0)
                .u8(0)
                .u8(RT_TABLE_MAIN)
                .u8(RouteProtocol.WEFT)
                .u8(scope)
                .u8(type)
                .u32(flags);
    }

    private static void destination(NetlinkMessageWriter writer, IpPrefix destination) {
        if (destination.length() > 0) {
            writer.attribute(RTA_DST, destination.address().toBytes());
        }
    }

    /**
     * The route an RTM_NEWROUTE or RTM_DELROUTE message describes, when it is one of weft's: main
     * table, unicast, {@link RouteProtocol#WEFT}, a single gateway. Anything else is empty.
     */
    static Optional<RouteEntry> parseWeftRoute(NetlinkMessage message) {
        Optional<RouteHeader> header = RouteHeader.of(message, true)
                .filter(route -> route.protocol() == RouteProtocol.WEFT
                        && route.table() == RT_TABLE_MAIN
                        && route.type() == RTN_UNICAST);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        RouteHeader route = header.get();
        Optional<IpAddress> gateway = AddressFamily.address(route.attributes().bytes(RTA_GATEWAY));
        Optional<IpAddress> destination = route.destinationAddress();
        if (gateway.isEmpty()
                || destination.isEmpty()
                || gateway.get().family() != destination.get().family()) {
            return Optional.empty();
        }
        return Optional.of(new RouteEntry(
                IpPrefix.of(destination.get(), route.destinationLength()),
                gateway.get(),
                route.attributes().u32(RTA_OIF).orElse(0),
                (route.flags() & RTNH_F_ONLINK) != 0));
    }

    /**
     * The route an RTM_NEWROUTE reply describes when it is a unicast route of the main table, of
     * any protocol (the host's own, the kernel's connected ones, weft's); anything else is empty.
     */
    static Optional<MainRoute> parseMainRoute(NetlinkMessage message) {
        return RouteHeader.of(message, false)
                .filter(route -> route.table() == RT_TABLE_MAIN && route.type() == RTN_UNICAST)
                .flatMap(route -> route.destination()
                        .map(destination -> new MainRoute(
                                destination,
                                AddressFamily.address(route.attributes().bytes(RTA_GATEWAY)),
                                route.attributes().u32(RTA_OIF).orElse(0))));
    }

    /**
     * The fixed part of a route message (struct rtmsg) and its attributes, read once for the
     * parsers above. The table is RTA_TABLE when given (tables above 255), else the header's.
     */
    private record RouteHeader(
            int family,
            int destinationLength,
            int protocol,
            int type,
            int flags,
            int table,
            NetlinkAttributes attributes) {

        /** A new route, or with {@code deletionsToo} a deleted one too, long enough to read; else empty. */
        static Optional<RouteHeader> of(NetlinkMessage message, boolean deletionsToo) {
            boolean routeMessage = message.type() == RTM_NEWROUTE || (deletionsToo && message.type() == RTM_DELROUTE);
            if (!routeMessage || message.payloadFrom(0).remaining() < RTMSG_LENGTH) {
                return Optional.empty();
            }
            ByteBuffer header = message.payloadFrom(0);
            NetlinkAttributes attributes = NetlinkAttributes.after(message, RTMSG_LENGTH);
            return Optional.of(new RouteHeader(
                    Byte.toUnsignedInt(header.get(0)),
                    Byte.toUnsignedInt(header.get(1)),
                    Byte.toUnsignedInt(header.get(5)),
                    Byte.toUnsignedInt(header.get(7)),
                    header.getInt(8),
                    attributes.u32(RTA_TABLE).orElse(Byte.toUnsignedInt(header.get(4))),
                    attributes));
        }

        /** RTA_DST, or the family's zero address for a default route (which has none). */
        Optional<IpAddress> destinationAddress() {
            return AddressFamily.address(attributes.bytes(RTA_DST))
                    .or(() -> AddressFamily.toIpFamily(family).map(f -> IpAddress.fromBytes(new byte[f.bits() / 8])));
        }

        /** The destination prefix, host bits cleared. */
        Optional<IpPrefix> destination() {
            return destinationAddress().map(address -> IpPrefix.containing(address, destinationLength));
        }
    }

    static String describe(String verb, KernelRoute route) {
        return "route " + verb + " " + route.destination() + " via " + route.gateway() + " dev " + route.device()
                + (route.onLink() ? " onlink" : "");
    }
}
