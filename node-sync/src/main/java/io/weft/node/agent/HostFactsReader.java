package io.weft.node.agent;

import io.weft.client.ServerAddress;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.node.backend.HostFacts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link HostFacts} from this host: every interface's addresses and their subnets, the
 * gateways of its IPv4 routes ({@code /proc/net/route}) and the allocator's addresses (resolved
 * once, at start). Read again at every reconcile, so a new address or route is protected too.
 * Routes out of weft's own devices are weft's routes to peers, not the host's: their gateways
 * (a peer's VTEP address inside its subnet) are left out, or every peer would cover its own.
 */
final class HostFactsReader implements Supplier<HostFacts> {

    private static final Logger LOG = LoggerFactory.getLogger(HostFactsReader.class);

    private final Set<IpAddress> allocators;
    private final Path routeTable;
    private final Set<String> weftDevices;

    HostFactsReader(List<ServerAddress> servers, Path routeTable, Set<String> weftDevices) {
        this.allocators = resolve(servers);
        this.routeTable = routeTable;
        this.weftDevices = Set.copyOf(weftDevices);
    }

    @Override
    public HostFacts get() {
        Set<IpAddress> addresses = new HashSet<>();
        Set<IpPrefix> connected = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                    IpAddress ip = IpAddress.fromBytes(address.getAddress().getAddress());
                    addresses.add(ip);
                    connected.add(IpPrefix.containing(ip, address.getNetworkPrefixLength()));
                }
            }
        } catch (SocketException e) {
            LOG.warn("could not list this host's interfaces: {}", e.getMessage());
        }
        Set<IpAddress> path = new HashSet<>(allocators);
        path.addAll(gateways(routeTable, weftDevices));
        return new HostFacts(addresses, connected, path);
    }

    /**
     * The IPv4 gateways in a /proc/net/route table (little-endian hex, "00000000" for none) of
     * routes out of any device but {@code skipDevices}.
     */
    static Set<IpAddress> gateways(Path routeTable, Set<String> skipDevices) {
        Set<IpAddress> gateways = new HashSet<>();
        try {
            for (String line : Files.readAllLines(routeTable).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 2 && !fields[2].equals("00000000") && !skipDevices.contains(fields[0])) {
                    int value = Integer.reverseBytes((int) Long.parseLong(fields[2], 16));
                    gateways.add(IpAddress.fromBytes(java.nio.ByteBuffer.allocate(4).putInt(value).array()));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not read {}: {}", routeTable, e.getMessage());
        }
        return gateways;
    }

    private static Set<IpAddress> resolve(List<ServerAddress> servers) {
        Set<IpAddress> resolved = new HashSet<>();
        for (ServerAddress server : servers) {
            try {
                for (InetAddress address : InetAddress.getAllByName(server.host())) {
                    resolved.add(IpAddress.fromBytes(address.getAddress()));
                }
            } catch (UnknownHostException e) {
                LOG.warn("allocator {} does not resolve ({}); peers are not checked against its address",
                        server, e.getMessage());
            }
        }
        return resolved;
    }
}
