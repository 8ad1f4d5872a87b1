package io.weft.node.netlink;

/**
 * The routing protocol number (rtm_protocol, {@code ip route ... proto N}) that marks a route as
 * weft's. weft lists, replaces and deletes only routes carrying it, so routes added by an
 * administrator, DHCP, a routing daemon or the kernel are never touched.
 *
 * <p>0x77 (119) is not assigned in the kernel's rtnetlink.h (which names 0-18, 42, 99, 186-189
 * and 192) nor in iproute2's rt_protos, and no widely used routing software claims it. To make
 * {@code ip route show proto weft} work, add the line {@code 119 weft} to
 * /etc/iproute2/rt_protos.d/weft.conf.
 */
public final class RouteProtocol {

    /** weft's routing protocol number: {@code ip route show proto 0x77}. */
    public static final int WEFT = 0x77;

    private RouteProtocol() {}
}
