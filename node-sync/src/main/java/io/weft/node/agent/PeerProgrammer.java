package io.weft.node.agent;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.Backend;
import io.weft.node.backend.BackendException;
import io.weft.node.backend.HostFacts;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.Reconciler;
import io.weft.node.backend.RouteOwnership;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's kernel-side state: the node's own lease and the peers' leases, turned into device
 * addresses, subnet.env ({@link SubnetFile}) and (through the backend and {@link Reconciler})
 * routes, neighbours and FDB entries; it tells {@link NodeReadiness}, {@link NodeMetrics},
 * {@link SkipReport} and {@link RefusalReport} how that went. Every method runs on the agent's one kernel thread; a failure
 * is logged and retried at the next event or reconcile, never fatal, and nothing programmed is
 * removed because the allocator is unreachable.
 */
final class PeerProgrammer {

    private static final Logger LOG = LoggerFactory.getLogger(PeerProgrammer.class);

    private NodeHost host;
    private final Backend backend;
    private final Dataplane dataplane;
    private final SubnetFile subnetFile;
    private final Supplier<HostFacts> hostFacts;
    private final NodeReadiness readiness;
    private final NodeMetrics metrics;
    private final SkipReport skips;
    private final RefusalReport refusals = new RefusalReport();
    private Lease own;
    private Map<String, Lease> peers;
    private final PeerLeases peerLeases = new PeerLeases();
    private boolean subnetFileWritten;
    /** Every network this instance has used since it started: its routes there are its own. */
    private final Set<IpPrefix> networks = new LinkedHashSet<>();

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
        noteNetworks(host);
    }

    private void noteNetworks(NodeHost node) {
        Optional.ofNullable(node.network().network()).ifPresent(networks::add);
        Optional.ofNullable(node.network().ipv6Network()).ifPresent(networks::add);
    }

    /**
     * The network config changed in a way a running node follows in place ({@link ConfigChange}):
     * brings the devices to the new config (MTU in place; re-created keeping their MACs for a new
     * port, learning or GBP), rewrites subnet.env when this node's subnet still lies in the network
     * and reprograms the peers. Answers what it did, for the one log line the change gets.
     */
    List<String> configChanged(NetworkConfig config) {
        List<String> done = new ArrayList<>();
        host = host.withNetwork(config);
        noteNetworks(host);
        try {
            Map<String, Integer> mtus = new LinkedHashMap<>();
            for (VxlanSpec spec : backend.devices(host)) {
                dataplane.linkByName(spec.name()).ifPresent(link -> mtus.put(spec.name(), link.mtu()));
            }
            backend.prepare(host, dataplane);
            mtus.forEach((name, before) -> dataplane
                    .linkByName(name)
                    .filter(link -> link.mtu() != before)
                    .ifPresent(link -> done.add(name + " MTU " + before + " -> " + link.mtu())));
            if (own != null) {
                backend.activate(new NodeContext(host, own), dataplane);
                if (inNetwork(own)) {
                    String before = subnetFileText();
                    subnetFile.write(host, own, podMtu());
                    if (!subnetFileText().equals(before)) {
                        done.add(subnetFile.path().getFileName() + " rewritten");
                    }
                }
            }
        } catch (Exception e) {
            LOG.error("could not bring this host to the new network config: {}", e.getMessage());
            done.add("failed: " + e.getMessage());
        }
        reconcileNow()
                .filter(summary -> summary.changes() > 0)
                .ifPresent(summary -> done.add("peers reprogrammed (" + summary.added() + " added, " + summary.changed()
                        + " changed, " + summary.removed() + " removed)"));
        return done;
    }

    private String subnetFileText() {
        try {
            return Files.readString(subnetFile.path());
        } catch (IOException e) {
            return "";
        }
    }

    private boolean inNetwork(Lease lease) {
        return host.network()
                        .ipv4()
                        .map(space -> space.contains(IpPrefix.parse(lease.getSubnet())))
                        .orElse(true)
                && host.network()
                        .ipv6()
                        .map(space -> space.contains(IpPrefix.parse(lease.getIpv6Subnet())))
                        .orElse(true);
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
        reconcileNow();
    }

    /** As {@link #reconcile()}; answers what it did, empty when it could not (yet). */
    private Optional<Reconciler.Summary> reconcileNow() {
        Lease self = own;
        Map<String, Lease> current = peers;
        if (self == null || current == null) {
            return Optional.empty();
        }
        try {
            var desired =
                    backend.desired(new NodeContext(host, self, hostFacts.get()), peerLeases.of(current.values()));
            RouteOwnership ownership = new RouteOwnership(
                    backend.devices(host).stream().map(VxlanSpec::name).collect(Collectors.toSet()), networks);
            Reconciler.Summary summary = Reconciler.reconcile(dataplane, desired, ownership);
            metrics.reconciled(current.size() - 1, summary.failures().size());
            if (summary.changes() > summary.failures().size()) {
                LOG.info(
                        "kernel updated: {} added, {} changed, {} removed, {} failed",
                        summary.added(),
                        summary.changed(),
                        summary.removed(),
                        summary.failures().size());
            }
            refusals.note(summary.failures());
            skips.note(Set.copyOf(desired.skipped()));
            readiness.synced();
            return Optional.of(summary);
        } catch (RuntimeException | BackendException e) {
            LOG.error("reconcile failed (retrying at the next event or interval): {}", e.getMessage());
            return Optional.empty();
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
