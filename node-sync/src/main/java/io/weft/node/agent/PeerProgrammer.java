package io.weft.node.agent;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weft.api.v1.Lease;
import io.weft.config.IpPrefix;
import io.weft.config.SubnetSpace;
import io.weft.node.backend.Backend;
import io.weft.node.backend.HostFacts;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.Reconciler;
import io.weft.node.backend.SkippedPeer;
import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's kernel-side state: the node's own lease and the peers' leases, turned into
 * device addresses, subnet.env and (through the backend and {@link Reconciler}) routes,
 * neighbours and FDB entries. Every method runs on the agent's one kernel thread; a failure is
 * logged and retried at the next event or reconcile, never fatal, and nothing programmed is
 * removed because the allocator is unreachable.
 */
final class PeerProgrammer {

    private static final Logger LOG = LoggerFactory.getLogger(PeerProgrammer.class);

    private final NodeHost host;
    private final Backend backend;
    private final Dataplane dataplane;
    private final Path subnetFile;
    private final Supplier<HostFacts> hostFacts;
    private final Counter reconciles;
    private final Counter failures;
    private final Counter peerSkips;
    /** The peers left out of the last desired state: a change is logged once, not every pass. */
    private volatile Set<SkippedPeer> skipped = Set.of();
    private volatile Lease own;
    private volatile Map<String, Lease> peers;
    private volatile boolean subnetEnvWritten;
    private volatile boolean synced;
    private volatile int programmedPeers;

    PeerProgrammer(NodeHost host, Backend backend, Dataplane dataplane, Path subnetFile, MeterRegistry registry) {
        this(host, backend, dataplane, subnetFile, registry, HostFacts::none);
    }

    /** hostFacts is read at every reconcile: what peers must never cover ({@link HostFacts}). */
    PeerProgrammer(NodeHost host, Backend backend, Dataplane dataplane, Path subnetFile, MeterRegistry registry,
                   Supplier<HostFacts> hostFacts) {
        this.hostFacts = hostFacts;
        this.host = host;
        this.backend = backend;
        this.dataplane = dataplane;
        this.subnetFile = subnetFile;
        this.reconciles = Counter.builder("weft_node_reconciles").description("Reconcile passes").register(registry);
        this.failures = Counter.builder("weft_node_kernel_failures")
                .description("Kernel changes that failed (retried next pass)").register(registry);
        Gauge.builder("weft_node_peers", this, p -> p.programmedPeers).description("Peers in the last desired state")
                .register(registry);
        this.peerSkips = Counter.builder("weft_node_peer_skips")
                .description("Peers (or one family of a peer) newly left out because their lease is unusable")
                .register(registry);
        Gauge.builder("weft_node_skipped_peers", this, p -> p.skipped.size())
                .description("Peers left out of the last desired state").register(registry);
        Gauge.builder("weft_node_ready", this, p -> p.notReadyReason() == null ? 1 : 0).register(registry);
    }

    /** The lease was acquired, re-acquired or replaced: address devices, rewrite subnet.env, reprogram. */
    void leaseAcquired(Lease lease) {
        Lease before = own;
        if (before != null && sameSubnets(before, lease) && subnetEnvWritten) {
            // Got the same subnets back (after a lost store or an expiry): nothing on the host changes.
            LOG.info("lease held again, unchanged: {}; nothing rewritten", describe(lease));
            own = lease;
            reconcile();
            return;
        }
        if (before != null && !sameSubnets(before, lease)) {
            LOG.warn("LEASE CHANGED: {} -> {}; the old lease was lost, pods on this host must be restarted",
                    describe(before), describe(lease));
        } else if (before == null) {
            LOG.info("lease held: {}", describe(lease));
        }
        own = lease;
        try {
            backend.activate(new NodeContext(host, lease), dataplane);
            subnetEnv(lease).write(subnetFile);
            subnetEnvWritten = true;
            LOG.info("wrote {}", subnetFile);
        } catch (Exception e) {
            LOG.error("could not set up the lease {} on this host: {}", describe(lease), e.getMessage());
            return;
        }
        reconcile();
    }

    /** The lease is gone and could not be renewed: keep the kernel state; the keeper re-acquires. */
    void leaseLost(Lease lease, Status cause) {
        LOG.error("LEASE LOST: {} ({}); keeping routes until a new lease is acquired", describe(lease), cause);
    }

    /** The watch's view of every lease changed. */
    void peersChanged(Map<String, Lease> view) {
        peers = view;
        reconcile();
    }

    /** Brings the kernel to the desired state for the current leases. */
    void reconcile() {
        Lease self = own;
        Map<String, Lease> current = peers;
        if (self == null || current == null) {
            return;
        }
        try {
            var desired = backend.desired(new NodeContext(host, self, hostFacts.get()), current.values());
            programmedPeers = current.size() - 1;
            Reconciler.Summary summary = Reconciler.reconcile(dataplane, desired);
            reconciles.increment();
            if (summary.changes() > 0 || !summary.failures().isEmpty()) {
                LOG.info("kernel updated: {} added, {} changed, {} removed, {} failed", summary.added(),
                        summary.changed(), summary.removed(), summary.failures().size());
            }
            for (ChangeFailure failure : summary.failures()) {
                failures.increment();
                LOG.warn("kernel refused {}: {}", failure.change(), failure.reason());
            }
            noteSkipped(Set.copyOf(desired.skipped()));
            synced = true;
        } catch (RuntimeException e) {
            LOG.error("reconcile failed (retrying at the next event or interval): {}", e.getMessage());
        }
    }

    /**
     * One line per pass whose skipped set changed (never one per peer: a node facing thousands of
     * bad leases would write thousands of lines): counts by kind and a few examples.
     */
    private void noteSkipped(Set<SkippedPeer> now) {
        Set<SkippedPeer> before = skipped;
        long fresh = now.stream().filter(skip -> !before.contains(skip)).count();
        peerSkips.increment(fresh);
        skipped = now;
        if (fresh == 0 && now.size() == before.size()) {
            return;
        }
        if (now.isEmpty()) {
            LOG.info("no peer skipped any more");
            return;
        }
        LOG.warn(skipSummary(now, fresh));
    }

    static String skipSummary(Set<SkippedPeer> now, long fresh) {
        Map<String, Long> byKind = new TreeMap<>();
        now.forEach(skip -> byKind.merge(skip.kind(), 1L, Long::sum));
        StringBuilder line = new StringBuilder("skipping ").append(now.size()).append(now.size() == 1 ? " peer" : " peers")
                .append(" (").append(fresh).append(" new): ");
        line.append(String.join(", ", byKind.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
        line.append("; e.g. ").append(String.join("; ", now.stream().map(SkippedPeer::toString).sorted().limit(3)
                .toList()));
        return line.toString();
    }

    /** A device this agent owns went away: create it again and program everything on it. */
    void deviceRemoved(String name) {
        try {
            if (backend.devices(host).stream().map(VxlanSpec::name).noneMatch(name::equals)) {
                return;
            }
            LOG.warn("device {} was deleted; recreating it", name);
            backend.prepare(host, dataplane);
            Lease self = own;
            if (self != null) {
                backend.activate(new NodeContext(host, self), dataplane);
            }
            reconcile();
        } catch (Exception e) {
            LOG.error("could not recreate {}: {}", name, e.getMessage());
        }
    }

    /** Null when ready: lease held, subnet.env written, first full sync applied. */
    String notReadyReason() {
        if (own == null) {
            return "no lease yet";
        }
        if (!subnetEnvWritten) {
            return "subnet.env not written";
        }
        return synced ? null : "first sync of peers not applied";
    }

    private SubnetEnv subnetEnv(Lease lease) throws Exception {
        int mtu = backend.devices(host).stream().findFirst().map(VxlanSpec::mtu).orElse(host.external().mtu());
        return new SubnetEnv(host.network().ipv4().map(SubnetSpace::network).orElse(null),
                parse(lease.getSubnet()), host.network().ipv6().map(SubnetSpace::network).orElse(null),
                parse(lease.getIpv6Subnet()), mtu, false);
    }

    private static IpPrefix parse(String subnet) {
        return subnet.isEmpty() ? null : IpPrefix.parse(subnet);
    }

    private static boolean sameSubnets(Lease a, Lease b) {
        return a.getSubnet().equals(b.getSubnet()) && a.getIpv6Subnet().equals(b.getIpv6Subnet());
    }

    private static String describe(Lease lease) {
        return lease.getSubnet() + (lease.getIpv6Subnet().isEmpty() ? "" : " & " + lease.getIpv6Subnet());
    }
}
