package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.config.BackendConfig;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a running node must do when the network config changes: pure, from the config it runs
 * with, the new one and the lease it holds.
 *
 * <ul>
 *   <li>{@link Response#IN_PLACE}: a wider (or otherwise moved) Network that still holds this
 *       node's subnet, SubnetMin/Max, Backend.MTU, Port, GBP, Learning, DirectRouting. The node
 *       rewrites subnet.env, changes the device in place (MTU) or re-creates it keeping its MAC
 *       (port, learning, GBP), and reprograms its peers.</li>
 *   <li>{@link Response#REACQUIRE}: this node's subnet no longer lies in the subnet range, or
 *       SubnetLen changed. The node gives its lease back and acquires a new one.</li>
 *   <li>{@link Response#REBUILD}: Backend.Type, VNI or the enabled families changed. Devices and
 *       what the lease advertises (backend type, VTEP) change, so the node tears down its backend
 *       and starts it again from the new config (same process).</li>
 * </ul>
 * The strongest response wins.
 *
 * @param differences each field that changed, "Network 10.1.0.0/16 -> 10.0.0.0/8", for the log
 * @param response    what the node does about them
 * @param reason      why that response, for the log ("" for NONE and IN_PLACE)
 */
record ConfigChange(List<String> differences, Response response, String reason) {

    enum Response {
        NONE,
        IN_PLACE,
        REACQUIRE,
        REBUILD
    }

    ConfigChange {
        differences = List.copyOf(differences);
    }

    static ConfigChange between(NetworkConfig before, NetworkConfig after, Optional<Lease> own) {
        List<String> differences = new ArrayList<>();
        compare(differences, "EnableIPv4", before.enableIPv4(), after.enableIPv4());
        compare(differences, "EnableIPv6", before.enableIPv6(), after.enableIPv6());
        space(differences, "", before.ipv4(), after.ipv4());
        space(differences, "IPv6", before.ipv6(), after.ipv6());
        BackendConfig was = before.backend();
        BackendConfig is = after.backend();
        compare(differences, "Backend.Type", was.type(), is.type());
        compare(differences, "Backend.VNI", was.vni(), is.vni());
        compare(differences, "Backend.Port", was.port(), is.port());
        compare(differences, "Backend.GBP", was.gbp(), is.gbp());
        compare(differences, "Backend.Learning", was.learning(), is.learning());
        compare(differences, "Backend.DirectRouting", was.directRouting(), is.directRouting());
        compare(differences, "Backend.MTU", mtu(was.mtu()), mtu(is.mtu()));
        if (differences.isEmpty()) {
            return new ConfigChange(differences, Response.NONE, "");
        }
        if (before.enableIPv4() != after.enableIPv4() || before.enableIPv6() != after.enableIPv6()) {
            return new ConfigChange(differences, Response.REBUILD, "the address families changed");
        }
        if (!was.type().equals(is.type())) {
            return new ConfigChange(differences, Response.REBUILD, "the backend type changed");
        }
        if (was.vni() != is.vni()) {
            return new ConfigChange(differences, Response.REBUILD, "the VNI (and so the device) changed");
        }
        if (before.subnetLen() != after.subnetLen() || before.ipv6SubnetLen() != after.ipv6SubnetLen()) {
            return new ConfigChange(differences, Response.REACQUIRE, "the subnet length changed");
        }
        Optional<String> outside = own.flatMap(lease -> outside(lease, after));
        if (outside.isPresent()) {
            return new ConfigChange(differences, Response.REACQUIRE, outside.get());
        }
        return new ConfigChange(differences, Response.IN_PLACE, "");
    }

    /** Why the lease no longer fits the new config, if it does not. */
    private static Optional<String> outside(Lease lease, NetworkConfig after) {
        Optional<String> v4 = outside("", lease.getSubnet(), after.ipv4());
        return v4.isPresent() ? v4 : outside("IPv6 ", lease.getIpv6Subnet(), after.ipv6());
    }

    private static Optional<String> outside(String family, String subnet, Optional<SubnetSpace> space) {
        if (subnet.isEmpty() || space.isEmpty()) {
            return Optional.empty();
        }
        IpPrefix own = IpPrefix.parse(subnet);
        return space.get().contains(own)
                ? Optional.empty()
                : Optional.of(
                        "this node's " + family + "subnet " + own + " is outside the new " + family + "subnet range "
                                + space.get().min() + " - " + space.get().max());
    }

    private static void space(
            List<String> differences, String prefix, Optional<SubnetSpace> before, Optional<SubnetSpace> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return; // a family switched on or off: EnableIPv4/6 says so
        }
        SubnetSpace was = before.get();
        SubnetSpace is = after.get();
        compare(differences, prefix + "Network", was.network(), is.network());
        compare(differences, prefix + "SubnetLen", was.subnetLength(), is.subnetLength());
        compare(differences, prefix + "SubnetMin", was.min().address(), is.min().address());
        compare(differences, prefix + "SubnetMax", was.max().address(), is.max().address());
    }

    private static String mtu(int mtu) {
        return mtu == 0 ? "(from the interface)" : Integer.toString(mtu);
    }

    private static void compare(List<String> differences, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            differences.add(field + " " + before + " -> " + after);
        }
    }
}
