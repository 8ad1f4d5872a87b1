package io.weft.node.agent;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.node.backend.Backend;
import io.weft.node.backend.BackendException;
import io.weft.node.backend.HostFacts;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.Reconciler;
import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's kernel-side state: the node's own lease and the peers' leases, turned into device
 * addresses, subnet.env ({@link SubnetFile}) and (through the backend and {@link Reconciler})
 * routes, neighbours and FDB entries; it tells {@link NodeReadiness}, {@link NodeMetrics} and
 * {@link SkipReport} how that went. Every method runs on the agent's one kernel thread; a failure
 * is logged and retried at the next event or reconcile, never fatal, and nothing programmed is
 * removed because the allocator is unreachable.
 */
final class PeerProgrammer {

    private static final Logger LOG = LoggerFactory.getLogger(PeerProgrammer.class);

    private final NodeHost host;
    private final Backend backend;
    private final Dataplane dataplane;
    private final SubnetFile subnetFile;
    private final Supplier<HostFacts> hostFacts;
    private final NodeReadiness readiness;
    private final NodeMetrics metrics;
    private final SkipReport skips;
    private Lease own;
    private Map<String, Lease> peers;
    private final PeerLeases peerLeases = new PeerLeases();
    private boolean subnetFileWritten;

    /** hostFacts is read at every reconcile: what peers must never cover ({@link HostFacts}). */
    PeerProgrammer(
            NodeHost host,
            Backend backend,
            Dataplane dataplane,
            SubnetFile subnetFile,
            Supplier<HostFacts> hostFacts,
            NodeReadiness readiness,
            NodeMetrics metrics) {
        this.host = host;
        this.backend = backend;
        this.dataplane = dataplane;
        this.subnetFile = subnetFile;
        this.hostFacts = hostFacts;
        this.readiness = readiness;
        this.metrics = metrics;
        this.skips = new SkipReport(metrics);
    }

    /** The lease was acquired, re-acquired or replaced: address devices, rewrite subnet.env, reprogram. */
    void leaseAcquired(Lease lease) {
        Lease before = own;
        own = lease;
        readiness.leaseHeld();
        if (before != null && sameSubnets(before, lease) && subnetFileWritten) {
            // Got the same subnets back (after a lost store or an expiry): nothing on the host changes.
            LOG.info("lease held again, unchanged: {}; nothing rewritten", describe(lease));
            reconcile();
            return;
        }
        if (before != null && !sameSubnets(before, lease)) {
            LOG.warn(
                    "LEASE CHANGED: {} -> {}; the old lease was lost, pods on this host must be restarted",
                    describe(before),
                    describe(lease));
        } else if (before == null) {
            LOG.info("lease held: {}", describe(lease));
        }
        try {
            backend.activate(new NodeContext(host, lease), dataplane);
            subnetFile.write(host, lease, podMtu());
            subnetFileWritten = true;
            readiness.subnetFileWritten();
            LOG.info("wrote {}", subnetFile.path());
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
            var desired =
                    backend.desired(new NodeContext(host, self, hostFacts.get()), peerLeases.of(current.values()));
            Reconciler.Summary summary = Reconciler.reconcile(dataplane, desired);
            metrics.reconciled(current.size() - 1, summary.failures().size());
            if (summary.changes() > 0 || !summary.failures().isEmpty()) {
                LOG.info(
                        "kernel updated: {} added, {} changed, {} removed, {} failed",
                        summary.added(),
                        summary.changed(),
                        summary.removed(),
                        summary.failures().size());
            }
            for (ChangeFailure failure : summary.failures()) {
                LOG.warn("kernel refused {}: {}", failure.change(), failure.reason());
            }
            skips.note(Set.copyOf(desired.skipped()));
            readiness.synced();
        } catch (RuntimeException e) {
            LOG.error("reconcile failed (retrying at the next event or interval): {}", e.getMessage());
        }
    }

    /** A device this agent owns went away: create it again and program everything on it. */
    void deviceRemoved(String name) {
        try {
            if (backend.devices(host).stream().map(VxlanSpec::name).noneMatch(name::equals)) {
                return;
            }
            LOG.warn("device {} was deleted; recreating it", name);
            backend.prepare(host, dataplane);
            if (own != null) {
                backend.activate(new NodeContext(host, own), dataplane);
            }
            reconcile();
        } catch (Exception e) {
            LOG.error("could not recreate {}: {}", name, e.getMessage());
        }
    }

    /** The MTU pods must use: the overlay device's, else the external interface's. */
    private int podMtu() throws BackendException {
        return backend.devices(host).stream()
                .findFirst()
                .map(VxlanSpec::mtu)
                .orElse(host.external().mtu());
    }

    private static boolean sameSubnets(Lease a, Lease b) {
        return a.getSubnet().equals(b.getSubnet()) && a.getIpv6Subnet().equals(b.getIpv6Subnet());
    }

    private static String describe(Lease lease) {
        return lease.getSubnet() + (lease.getIpv6Subnet().isEmpty() ? "" : " & " + lease.getIpv6Subnet());
    }
}
