package io.weft.node.agent;

import io.weft.client.ServerAddress;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.backend.HostFacts;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostInterfaces;
import io.weft.node.dataplane.HostRoute;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link HostFacts} from this host: every interface's addresses and their subnets, the
 * gateways of its routes and the allocator's addresses (resolved once, at start). Read again at
 * every reconcile, so a new address or route is protected too. Routes out of weft's own devices
 * are weft's routes to peers, not the host's: their gateways (a peer's VTEP address inside its
 * subnet) are left out, or every peer would cover its own.
 */
final class HostFactsReader implements Supplier<HostFacts> {

    private static final Logger LOG = LoggerFactory.getLogger(HostFactsReader.class);

    private final Set<IpAddress> allocators;
    private final HostInterfaces host;
    private final Set<String> weftDevices;

    HostFactsReader(Set<IpAddress> allocators, HostInterfaces host, Set<String> weftDevices) {
        this.allocators = Set.copyOf(allocators);
        this.host = host;
        this.weftDevices = Set.copyOf(weftDevices);
    }

    @Override
    public HostFacts get() {
        Set<IpAddress> addresses = new HashSet<>();
        Set<IpPrefix> connected = new HashSet<>();
        Set<IpAddress> path = new HashSet<>(allocators);
        try {
            for (HostInterface nic : host.interfaces()) {
                for (HostInterface.Address address : nic.addresses()) {
                    addresses.add(address.address());
                    connected.add(address.network());
                }
            }
            for (IpFamily family : IpFamily.values()) {
                for (HostRoute route : host.routes(family)) {
                    if (!weftDevices.contains(route.device())) {
                        route.gateway().ifPresent(path::add);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not read this host's interfaces and routes: {}", e.getMessage());
        }
        return new HostFacts(addresses, connected, path);
    }

    /** The allocators' addresses, resolved now; one that does not resolve is named in the log and left out. */
    static Set<IpAddress> resolve(List<ServerAddress> servers) {
        Set<IpAddress> resolved = new HashSet<>();
        for (ServerAddress server : servers) {
            try {
                for (InetAddress address : InetAddress.getAllByName(server.host())) {
                    resolved.add(IpAddress.fromBytes(address.getAddress()));
                }
            } catch (UnknownHostException e) {
                LOG.warn(
                        "allocator {} does not resolve ({}); peers are not checked against its address",
                        server,
                        e.getMessage());
            }
        }
        return resolved;
    }
}
