package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.NodeHost;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.DataplaneException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --ip-blackhole-route: a blackhole route for each of this node's own subnets, so traffic to an
 * address of the subnet that no pod holds is dropped here instead of following the default route
 * out (and back: a loop). The route has a high metric ({@link Dataplane#BLACKHOLE_METRIC}), so the
 * pods' bridge route to the same subnet wins wherever it exists. Put right at every reconcile, a
 * blackhole left by an earlier lease removed; removed on --release-on-exit. Runs on the kernel thread.
 */
final class OwnSubnetBlackhole {

    private static final Logger LOG = LoggerFactory.getLogger(OwnSubnetBlackhole.class);

    private final NodeHost host;
    private final Dataplane dataplane;
    private Map<IpFamily, IpPrefix> wanted;

    OwnSubnetBlackhole(NodeHost host, Dataplane dataplane) {
        this.host = host;
        this.dataplane = dataplane;
    }

    /** The node holds this lease: blackholes for its subnets (and none for older ones). */
    void leaseHeld(Lease lease) {
        NodeContext context;
        try {
            context = new NodeContext(host, lease);
        } catch (IllegalArgumentException e) {
            return; // the programmer already said what is wrong with this lease
        }
        Map<IpFamily, IpPrefix> subnets = new TreeMap<>();
        for (IpFamily family : host.families()) {
            subnets.put(family, context.subnet(family).orElseThrow());
        }
        wanted = subnets;
        reconcile();
    }

    /** Adds a missing blackhole, deletes weft's blackholes of other destinations. */
    void reconcile() {
        if (wanted == null) {
            return;
        }
        try {
            for (IpFamily family : host.families()) {
                IpPrefix subnet = wanted.get(family);
                List<IpPrefix> present = new ArrayList<>(dataplane.blackholeList(family));
                for (IpPrefix stale : present) {
                    if (!stale.equals(subnet)) {
                        dataplane.blackholeDelete(stale);
                        LOG.info("blackhole route {} removed (no longer this node's subnet)", stale);
                    }
                }
                if (!present.contains(subnet)) {
                    dataplane.blackholeReplace(subnet);
                    LOG.info("blackhole route {} added", subnet);
                }
            }
        } catch (DataplaneException e) {
            LOG.error("blackhole route: {} (retrying at the next reconcile)", e.getMessage());
        }
    }

    /** --release-on-exit: the node's blackholes go. */
    void remove() {
        if (wanted == null) {
            return;
        }
        for (IpPrefix subnet : wanted.values()) {
            try {
                dataplane.blackholeDelete(subnet);
                LOG.info("blackhole route {} removed", subnet);
            } catch (DataplaneException e) {
                LOG.warn("could not remove the blackhole route {}: {}", subnet, e.getMessage());
            }
        }
    }
}
