package io.weft.allocator.security;

import io.weft.allocator.store.LeaseValue;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may do what, decided on the caller's identity alone (no I/O, so it is checked in full by
 * unit tests).
 *
 * <ul>
 *   <li>Every authenticated identity may read and watch leases, the config and usage.</li>
 *   <li>A node identity may acquire, renew and release only its own node's lease: the request's
 *       node_name must be its identity, and the lease on the subnet must be held by it.</li>
 *   <li>An admin identity may do everything: set the config, reserve, release any lease, and run
 *       the consistency check.</li>
 * </ul>
 */
public final class AccessPolicy {

    private final Set<String> admins;

    public AccessPolicy(Set<String> admins) {
        for (String admin : admins) {
            if (admin.isBlank()) {
                throw new IllegalArgumentException("an admin identity must not be blank");
            }
        }
        this.admins = Set.copyOf(admins);
    }

    public Set<String> admins() {
        return new TreeSet<>(admins);
    }

    public boolean isAdmin(String identity) {
        return admins.contains(identity);
    }

    /** Empty when the attempt is allowed, else the refusal naming the identity and the attempt. */
    public Optional<String> refusal(String identity, Attempt attempt) {
        return refusal(identity, Set.of(), attempt);
    }

    /**
     * As {@link #refusal(String, Attempt)}, for a caller whose certificate names these IP
     * addresses (its IP subject alternative names, in canonical text): a node whose certificate
     * names any may acquire only with public IPs among them.
     */
    public Optional<String> refusal(String identity, Set<String> certificateIps, Attempt attempt) {
        if (isAdmin(identity)) {
            return Optional.empty();
        }
        return switch (attempt) {
            case Attempt.Read read -> Optional.empty();
            case Attempt.Administer administer ->
                Optional.of("identity " + identity + " may not " + administer.action() + ": only admin identities may");
            case Attempt.OnLease lease ->
                onLease(identity, lease).or(() -> outsideCertificate(identity, certificateIps, lease));
        };
    }

    private static Optional<String> outsideCertificate(
            String identity, Set<String> certificateIps, Attempt.OnLease lease) {
        if (certificateIps.isEmpty()) {
            return Optional.empty();
        }
        return lease.publicIps().stream()
                .filter(ip -> !ip.isEmpty() && !certificateIps.contains(canonical(ip)))
                .findFirst()
                .map(ip -> "identity " + identity + " may not " + lease.verb() + " a lease for public IP "
                        + ip + ": its certificate names the IP addresses " + new TreeSet<>(certificateIps)
                        + " and a node's public IP must be one of them");
    }

    /** The request's subnet text for a log line: itself when it is a prefix, else a description. */
    private static String shownSubnet(String text) {
        try {
            return IpPrefix.parse(text).toString();
        } catch (IllegalArgumentException e) {
            return "a subnet that does not parse";
        }
    }

    /** An address in the text CallerIdentity gives IP names in; unparseable text is left as it is. */
    private static String canonical(String ip) {
        try {
            return IpAddress.parse(ip).toString();
        } catch (IllegalArgumentException e) {
            return ip;
        }
    }

    private static Optional<String> onLease(String identity, Attempt.OnLease lease) {
        String on = lease.subnet().isEmpty() ? "" : " on " + shownSubnet(lease.subnet());
        if (lease.requestedNode().isEmpty()) {
            return Optional.of("identity " + identity + " may not " + lease.verb() + " the lease" + on
                    + " without naming its node: only admin identities may act for any holder");
        }
        if (!lease.requestedNode().equals(identity)) {
            // The name comes straight from the request and goes into a log line: shown only when valid.
            String node = LeaseValue.isNodeName(lease.requestedNode())
                    ? "node " + lease.requestedNode()
                    : "a node_name that is no node name";
            return Optional.of("identity " + identity + " may not " + lease.verb() + " the lease of " + node + on
                    + ": a node may only act on its own lease");
        }
        if (lease.holder().isPresent() && !lease.holder().get().equals(identity)) {
            String holder = lease.holder().get().isEmpty()
                    ? "a flanneld node"
                    : "node " + lease.holder().get();
            return Optional.of("identity " + identity + " may not " + lease.verb() + " the lease of " + holder + on
                    + ": a node may only act on its own lease");
        }
        return Optional.empty();
    }
}
