package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@link HostInterfaces} a test sets by hand: the interfaces and routes it adds, in order.
 * Thread-safe: a test may add a route while an agent reads.
 */
public final class MemoryHostInterfaces implements HostInterfaces {

    private final List<HostInterface> interfaces = new ArrayList<>();
    private final List<HostRoute> routes = new ArrayList<>();

    /** Adds an interface; its index is its position, from 1. */
    public synchronized MemoryHostInterfaces add(String name, int mtu, HostInterface.Address... addresses) {
        interfaces.add(new HostInterface(name, interfaces.size() + 1, mtu, List.of(addresses)));
        return this;
    }

    public synchronized MemoryHostInterfaces addRoute(HostRoute route) {
        routes.add(route);
        return this;
    }

    @Override
    public synchronized List<HostInterface> interfaces() {
        return List.copyOf(interfaces);
    }

    /** The device of the longest of its routes that covers the address (no policy routing here). */
    @Override
    public synchronized Optional<String> deviceTo(IpAddress destination) {
        return routes.stream()
                .filter(route -> route.destination().contains(destination))
                .max(Comparator.comparingInt(route -> route.destination().length()))
                .map(HostRoute::device);
    }

    @Override
    public synchronized List<HostRoute> routes(IpFamily family) {
        return routes.stream()
                .filter(route -> route.destination().family() == family)
                .toList();
    }
}
