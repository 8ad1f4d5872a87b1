package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.client.Scheduler;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.NodeHost;
import java.util.function.Consumer;

/**
 * What follows the node's own lease besides the peers' routes: the nftables rules
 * ({@link NodeTrafficRules}), the blackhole routes ({@link OwnSubnetBlackhole}) and the renew
 * margin check ({@link RenewMarginCheck}). Each is told of every lease held, put right at every
 * reconcile and taken away on --release-on-exit; all on the kernel thread.
 */
final class OwnLeaseFollowers implements Consumer<Lease> {

    private final NodeTrafficRules trafficRules;
    private final OwnSubnetBlackhole blackhole;
    private final RenewMarginCheck renewMargin;
    private final Scheduler clock;

    /**
     * Checks nftables first: throws IllegalArgumentException (one line) when --ip-masq cannot be
     * kept here.
     */
    OwnLeaseFollowers(NodeSettings settings, AgentParts parts, NodeHost host, Scheduler clock) {
        this.trafficRules = NodeTrafficRules.start(settings.trafficRules(), host, parts.nftables());
        this.blackhole = settings.blackholeRoute() ? new OwnSubnetBlackhole(host, parts.dataplane()) : null;
        this.renewMargin = new RenewMarginCheck(settings.renewMargin());
        this.clock = clock;
    }

    /** FLANNEL_IPMASQ: whether this node masquerades. */
    boolean masquerades() {
        return trafficRules != null && trafficRules.masquerades();
    }

    /** A lease was acquired or replaced. */
    @Override
    public void accept(Lease lease) {
        renewMargin.leaseHeld(lease, clock.now());
        if (trafficRules != null) {
            trafficRules.leaseHeld(lease);
        }
        if (blackhole != null) {
            blackhole.leaseHeld(lease);
        }
    }

    /** The network config changed in place (a wider Network): the rules follow it. */
    void networkChanged(NetworkConfig config) {
        if (trafficRules != null) {
            trafficRules.networkChanged(config);
        }
    }

    void reconcile() {
        if (trafficRules != null) {
            trafficRules.reconcile();
        }
        if (blackhole != null) {
            blackhole.reconcile();
        }
    }

    /** --release-on-exit. */
    void remove() {
        if (trafficRules != null) {
            trafficRules.remove();
        }
        if (blackhole != null) {
            blackhole.remove();
        }
    }
}
