package io.weft.allocator.check;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.HostAddress;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.NodeClaim;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * weft's own keys against the leases: a node's claim must name a lease that node holds, and an
 * address's claim a node whose lease carries the address. A claim left behind (its lease
 * deleted by hand) stops counting once a server has seen the deletion, but it stays in etcd
 * until its etcd lease expires. Pure: no I/O.
 */
final class ClaimRules {

    private static final String EXPIRES = "it expires with its etcd lease; to drop it now: etcdctl del ";

    private ClaimRules() {}

    static List<Problem> staleNodeClaims(List<NodeClaim> claims, List<StoredLease> leases, KeyLayout layout) {
        Map<SubnetKey, StoredLease> bySubnet = new HashMap<>();
        leases.forEach(l -> bySubnet.put(l.subnet(), l));
        List<Problem> problems = new ArrayList<>();
        for (NodeClaim claim : claims) {
            String key = layout.claimKey(claim.nodeName());
            StoredLease named = claim.subnet() == null ? null : bySubnet.get(claim.subnet());
            String found;
            if (claim.subnet() == null) {
                found = "its value names no lease key";
            } else if (named == null) {
                found = "it names " + claim.subnet() + ", which no key holds";
            } else if (!named.nodeName().equals(claim.nodeName())) {
                found = "it names " + claim.subnet() + ", which is " + LeaseKeyRules.describe(named);
            } else {
                continue;
            }
            problems.add(new Problem(
                    ProblemKind.STALE_NODE_CLAIM,
                    key,
                    List.of(claim.nodeName()),
                    "node " + claim.nodeName() + "'s claim: " + found,
                    EXPIRES + key));
        }
        return problems;
    }

    static List<Problem> staleAddressClaims(List<AddressClaim> claims, List<StoredLease> leases, KeyLayout layout) {
        Map<String, Set<HostAddress>> carried = new HashMap<>();
        for (StoredLease lease : leases) {
            carried.computeIfAbsent(lease.nodeName(), n -> new HashSet<>()).addAll(HostAddress.of(lease.value()));
        }
        List<Problem> problems = new ArrayList<>();
        for (AddressClaim claim : claims) {
            if (carried.getOrDefault(claim.nodeName(), Set.of()).contains(claim.address())) {
                continue;
            }
            String key = layout.addressKey(claim.address());
            problems.add(new Problem(
                    ProblemKind.STALE_ADDRESS_CLAIM,
                    key,
                    List.of(claim.nodeName()),
                    claim.address() + " is claimed for node " + claim.nodeName() + ", whose lease does not carry it",
                    EXPIRES + key));
        }
        return problems;
    }
}
