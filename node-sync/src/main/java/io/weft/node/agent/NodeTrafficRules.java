package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.NodeHost;
import io.weft.node.nftables.Nftables;
import io.weft.node.nftables.NftablesException;
import io.weft.node.nftables.PodNetwork;
import io.weft.node.nftables.TrafficRules;
import io.weft.node.nftables.TrafficRulesKeeper;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's nftables rules (--ip-masq, --forward-rules) tied to its lease: checked at start-up,
 * written when a lease is held, put right at every reconcile, removed on --release-on-exit. All
 * calls but {@link #start} run on the kernel thread.
 */
final class NodeTrafficRules {

    private static final Logger LOG = LoggerFactory.getLogger(NodeTrafficRules.class);

    private NodeHost host;
    private final TrafficRulesKeeper keeper;
    /** The lease the rules are for, or null before one is held. */
    private Lease held;

    private final boolean masquerades;

    private NodeTrafficRules(NodeHost host, TrafficRulesKeeper keeper, boolean masquerades) {
        this.host = host;
        this.keeper = keeper;
        this.masquerades = masquerades;
    }

    boolean masquerades() {
        return masquerades;
    }

    /**
     * The rules for this node, or null when none are asked or only forward rules were (on by
     * default) and nftables cannot hold them, which is logged in one line.
     *
     * @throws IllegalArgumentException when --ip-masq was asked and nft or the kernel cannot do it
     */
    static NodeTrafficRules start(TrafficRules rules, NodeHost host, Nftables nftables) {
        if (!rules.any()) {
            return null;
        }
        TrafficRulesKeeper keeper = new TrafficRulesKeeper(rules, nftables);
        List<PodNetwork> sample = new ArrayList<>();
        for (IpFamily family : host.families()) {
            var network = network(host, family);
            sample.add(new PodNetwork(network, network));
        }
        try {
            if (nftables == null) {
                throw new NftablesException("no nftables on this host");
            }
            keeper.check(sample);
        } catch (NftablesException e) {
            if (rules.masquerade()) {
                throw new IllegalArgumentException("--ip-masq needs nftables: " + e.getMessage(), e);
            }
            LOG.warn(
                    "nftables unusable, going on without forward rules (--forward-rules=false hides this): {}",
                    e.getMessage());
            return null;
        }
        LOG.info("nftables: keeping {} in table inet weft", rules.describe());
        return new NodeTrafficRules(host, keeper, rules.masquerade());
    }

    /** The node holds this lease: rules for its subnets. */
    void leaseHeld(Lease lease) {
        held = lease;
        NodeContext context;
        try {
            context = new NodeContext(host, lease);
        } catch (IllegalArgumentException e) {
            return; // the programmer already said what is wrong with this lease
        }
        List<PodNetwork> networks = new ArrayList<>();
        for (IpFamily family : host.families()) {
            networks.add(
                    new PodNetwork(network(host, family), context.subnet(family).orElseThrow()));
        }
        keeper.networks(networks);
    }

    /** The network changed in place: pod-to-pod traffic is judged by the new one. */
    void networkChanged(NetworkConfig config) {
        host = host.withNetwork(config);
        if (held != null) {
            leaseHeld(held);
        }
    }

    void reconcile() {
        keeper.reconcile();
    }

    /** --release-on-exit: the table and weft's accepts elsewhere go. */
    void remove() {
        keeper.remove();
    }

    private static io.weft.config.IpPrefix network(NodeHost host, IpFamily family) {
        return (family == IpFamily.IPV4 ? host.network().ipv4() : host.network().ipv6())
                .map(SubnetSpace::network)
                .orElseThrow();
    }
}
