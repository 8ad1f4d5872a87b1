package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.node.backend.HostFacts;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostRoute;
import io.weft.node.dataplane.MemoryHostInterfaces;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateways a peer must never cover come from the host's routes, not from weft's own routes to peers. */
@Timeout(10)
class HostFactsReaderTest {

    @Test
    void gatewaysOfTheHostsRoutesCountButNotThoseOutOfWeftsDevices() {
        MemoryHostInterfaces host = new MemoryHostInterfaces()
                .add("eth0", 1500, new HostInterface.Address(IpAddress.parse("10.99.0.2"), 24))
                .addRoute(
                        new HostRoute(IpPrefix.parse("0.0.0.0/0"), Optional.of(IpAddress.parse("10.99.0.254")), "eth0"))
                .addRoute(new HostRoute(IpPrefix.parse("10.99.0.0/24"), Optional.empty(), "eth0"))
                .addRoute(new HostRoute(
                        IpPrefix.parse("10.252.5.0/24"), Optional.of(IpAddress.parse("10.252.5.0")), "flannel.1"));

        HostFacts facts = new HostFactsReader(Set.of(IpAddress.parse("10.98.0.1")), host, Set.of("flannel.1")).get();

        assertThat(facts.allocatorPath())
                .containsExactlyInAnyOrder(IpAddress.parse("10.99.0.254"), IpAddress.parse("10.98.0.1"));
        assertThat(facts.addresses()).containsExactly(IpAddress.parse("10.99.0.2"));
        assertThat(facts.connected()).containsExactly(IpPrefix.parse("10.99.0.0/24"));
    }
}
