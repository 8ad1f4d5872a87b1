package io.weft.node.agent;

import io.weft.client.ManualScheduler;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostRoute;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.MemoryDataplane;
import io.weft.node.dataplane.MemoryHostInterfaces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One node of a lifecycle test: a memory kernel whose eth0 sits on 192.168.77.0/24 with a
 * default route, a subnet.env path of its own, and its agent's parts (every timer is the test's
 * one manual scheduler).
 */
final class TestHost {

    static final IpPrefix LAN = IpPrefix.parse("192.168.77.0/24");
    /** Renew a minute after acquiring, so a test sees a renewal within minutes of its clock. */
    static final Duration RENEW_MARGIN = InProcessAllocator.LEASE_TTL.minusMinutes(1);

    final String name;
    final IpAddress ip;
    final MemoryDataplane dataplane = new MemoryDataplane();
    final MemoryHostInterfaces interfaces = new MemoryHostInterfaces();
    final Path subnetFile;

    TestHost(String name, int hostNumber, Path folder) {
        this.name = name;
        this.ip = IpAddress.parse("192.168.77." + hostNumber);
        this.subnetFile = folder.resolve(name).resolve("subnet.env");
        dataplane.addUnderlay("eth0", 1500, LAN);
        interfaces
                .add("lo", 65536, new HostInterface.Address(IpAddress.parse("127.0.0.1"), 8))
                .add("eth0", 1500, new HostInterface.Address(ip, 24))
                .addRoute(new HostRoute(
                        IpPrefix.parse("0.0.0.0/0"), Optional.of(IpAddress.parse("192.168.77.1")), "eth0"));
    }

    NodeSettings settings(InProcessAllocator allocator, boolean releaseOnExit) {
        return new NodeSettings(
                List.of(allocator.address()),
                name,
                ExternalInterface.Choice.none(),
                null,
                subnetFile,
                RENEW_MARGIN,
                Duration.ofMinutes(1),
                Duration.ofMinutes(2),
                null,
                releaseOnExit,
                false,
                null);
    }

    CompletableFuture<NodeAgent> start(InProcessAllocator allocator, ManualScheduler timers, boolean releaseOnExit) {
        return NodeAgent.start(
                settings(allocator, releaseOnExit),
                new AgentParts(allocator.client(), dataplane, interfaces, job -> timers, Set.of()));
    }

    /** The destinations of the IPv4 routes programmed here. */
    List<IpPrefix> routedSubnets() {
        return dataplane.routeList(IpFamily.IPV4).stream()
                .map(KernelRoute::destination)
                .toList();
    }
}
