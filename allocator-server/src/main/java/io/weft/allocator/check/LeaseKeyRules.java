package io.weft.allocator.check;

import io.weft.allocator.store.HostAddress;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules over lease keys alone: one key per node, one key per address, every subnet a
 * leasable one of the config, no two keys overlapping. Pure: no I/O.
 */
final class LeaseKeyRules {

    private LeaseKeyRules() {}

    /**
     * Two or more keys naming one node. The node's claim, when it names one of them, says which
     * one the node holds.
     */
    static List<Problem> duplicateNodes(List<StoredLease> leases, Map<String, SubnetKey> claimed) {
        Map<String, List<StoredLease>> byNode = new LinkedHashMap<>();
        for (StoredLease lease : leases) {
            if (!lease.nodeName().isEmpty()) {
                byNode.computeIfAbsent(lease.nodeName(), n -> new ArrayList<>()).add(lease);
            }
        }
        List<Problem> problems = new ArrayList<>();
        byNode.forEach((node, held) -> {
            if (held.size() > 1) {
                SubnetKey kept = claimed.get(node);
                boolean named = held.stream().anyMatch(l -> l.subnet().equals(kept));
                problems.add(new Problem(
                        ProblemKind.DUPLICATE_NODE,
                        node,
                        List.of(node),
                        "node " + node + " holds " + held.size() + " lease keys: " + subnets(held),
                        (named
                                        ? "its claim names " + kept + ": keep that one"
                                        : "keep the one the node uses (its subnet.env)")
                                + " and release the others: weftctl lease release SUBNET"));
            }
        });
        return problems;
    }

    /** One public IP, public IPv6 or VTEP MAC on two or more keys. */
    static List<Problem> duplicateAddresses(List<StoredLease> leases) {
        Map<HostAddress, List<StoredLease>> byAddress = new LinkedHashMap<>();
        for (StoredLease lease : leases) {
            for (HostAddress address : HostAddress.of(lease.value())) {
                byAddress
                        .computeIfAbsent(normal(address), a -> new ArrayList<>())
                        .add(lease);
            }
        }
        List<Problem> problems = new ArrayList<>();
        byAddress.forEach((address, held) -> {
            if (held.size() > 1) {
                problems.add(new Problem(
                        ProblemKind.DUPLICATE_ADDRESS,
                        address.text(),
                        nodes(held),
                        address + " is on " + held.size() + " leases: " + subnets(held),
                        "two hosts share an address (a cloned machine?), or a host left an old lease: "
                                + "release the stale one (weftctl lease release SUBNET)"));
            }
        });
        return problems;
    }

    /** Keys whose subnets are not leasable subnets of the config. */
    static List<Problem> outside(List<StoredLease> leases, NetworkConfig config) {
        List<Problem> problems = new ArrayList<>();
        for (StoredLease lease : leases) {
            for (IpPrefix part : lease.subnet().parts()) {
                Optional<SubnetSpace> space = part.family() == IpFamily.IPV4 ? config.ipv4() : config.ipv6();
                if (space.isEmpty()) {
                    problems.add(outside(
                            ProblemKind.OUTSIDE_NETWORK, lease, part + " but the config has no " + part.family()));
                } else if (!space.get().network().contains(part)) {
                    problems.add(outside(
                            ProblemKind.OUTSIDE_NETWORK,
                            lease,
                            part + " is outside the network " + space.get().network()));
                } else if (!space.get().contains(part)) {
                    problems.add(outside(
                            ProblemKind.OUTSIDE_RANGE,
                            lease,
                            part + " is not one of the leasable subnets "
                                    + space.get().min() + ".."
                                    + space.get().max() + " (SubnetMin..SubnetMax, /"
                                    + space.get().subnetLength() + ")"));
                }
            }
        }
        return problems;
    }

    /** One subnet of a key: dual-stack keys have two. */
    private record Part(IpPrefix prefix, StoredLease lease) {}

    /** Keys whose subnets overlap, found by a sweep over each family's prefixes in address order. */
    static List<Problem> overlaps(List<StoredLease> leases) {
        List<Part> parts = new ArrayList<>();
        leases.forEach(l -> l.subnet().parts().forEach(p -> parts.add(new Part(p, l))));
        parts.sort(Comparator.comparing(Part::prefix));
        List<Problem> problems = new ArrayList<>();
        Part widest = null;
        for (Part part : parts) {
            boolean sameFamily =
                    widest != null && widest.prefix().family() == part.prefix().family();
            if (sameFamily && widest.prefix().overlaps(part.prefix())) {
                problems.add(overlap(widest, part));
            }
            if (!sameFamily
                    || part.prefix().lastAddress().compareTo(widest.prefix().lastAddress()) > 0) {
                widest = part;
            }
        }
        return problems;
    }

    private static Problem overlap(Part first, Part second) {
        boolean reservation = first.lease().reserved() || second.lease().reserved();
        return new Problem(
                reservation ? ProblemKind.RESERVATION_OVERLAP : ProblemKind.OVERLAP,
                second.prefix().toString(),
                nodes(List.of(first.lease(), second.lease())),
                describe(second.lease()) + " overlaps " + describe(first.lease()) + " (" + second.prefix() + " in "
                        + first.prefix() + ")",
                reservation
                        ? "two nodes may route one range: delete the reservation (weftctl reserve remove SUBNET) "
                                + "or release the lease (weftctl lease release SUBNET)"
                        : "two nodes may route one range: release one of them (weftctl lease release SUBNET)");
    }

    private static Problem outside(ProblemKind kind, StoredLease lease, String detail) {
        return new Problem(
                kind,
                lease.subnet().toString(),
                nodes(List.of(lease)),
                describe(lease) + ": " + detail,
                "left from an earlier config, or written by hand: "
                        + (lease.reserved()
                                ? "remove it (weftctl reserve remove "
                                        + lease.subnet().primary() + ")"
                                : "release it (weftctl lease release "
                                        + lease.subnet().primary() + ") so the node gets a subnet of this network")
                        + ", or fix the config");
    }

    /** "node-a's lease 10.244.1.0/24"; for a key without a node name "flanneld's lease 10.244.1.0/24 (192.168.0.1)". */
    static String describe(StoredLease lease) {
        String what = (lease.reserved() ? "reservation " : "lease ") + lease.subnet();
        if (!lease.nodeName().isEmpty()) {
            return lease.nodeName() + "'s " + what;
        }
        String ip = lease.value().publicIp().isEmpty()
                ? lease.value().publicIpv6()
                : lease.value().publicIp();
        return "flanneld's " + what + (ip.isEmpty() ? "" : " (" + ip + ")");
    }

    private static String subnets(List<StoredLease> leases) {
        return String.join(", ", leases.stream().map(LeaseKeyRules::describe).toList());
    }

    private static List<String> nodes(List<StoredLease> leases) {
        return leases.stream()
                .map(StoredLease::nodeName)
                .filter(n -> !n.isEmpty())
                .distinct()
                .toList();
    }

    /** Addresses compared in one form: IPs as parsed, MACs already normal. */
    private static HostAddress normal(HostAddress address) {
        if (address.kind() == HostAddress.Kind.VTEP_MAC) {
            return address;
        }
        try {
            return new HostAddress(
                    address.kind(),
                    io.weft.config.IpAddress.parse(address.text()).toString());
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
