package io.weft.node.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.agent.ExternalInterface;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostRoute;
import io.weft.testsupport.NetworkNamespace;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host's interfaces and routes read over netlink in a fresh network namespace: what the
 * agent picks its external interface from (ip addr, ip route default) and what peers must not
 * cover, as {@code ip} set them up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetlinkHostInterfacesIT {

    private static NetworkNamespace namespace;

    @BeforeAll
    static void createNamespace() {
        namespace = TestNamespace.create();
        namespace.ip("route", "add", "default", "via", "192.168.77.254", "dev", TestNamespace.UNDERLAY);
        namespace.ip("route", "add", "10.99.0.0/16", "via", "192.168.77.253", "dev", TestNamespace.UNDERLAY);
    }

    @AfterAll
    static void deleteNamespace() {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void listsEachInterfaceWithItsHostAddressesAndPrefixLengths() {
        try (NetlinkHostInterfaces host = NetlinkHostInterfaces.openIn(namespace.file())) {
            HostInterface underlay = host.interfaces().stream()
                    .filter(nic -> nic.name().equals(TestNamespace.UNDERLAY))
                    .findFirst()
                    .orElseThrow();

            assertThat(underlay.mtu()).isEqualTo(1500);
            assertThat(underlay.addresses())
                    .contains(
                            new HostInterface.Address(TestNamespace.UNDERLAY_IPV4, 24),
                            new HostInterface.Address(TestNamespace.UNDERLAY_IPV6, 64));
            assertThat(host.interfaces()).extracting(HostInterface::name).contains("lo", TestNamespace.PEER);
        }
    }

    @Test
    void listsTheMainTablesRoutesWithGatewaysAndTheDefaultRoute() {
        try (NetlinkHostInterfaces host = NetlinkHostInterfaces.openIn(namespace.file())) {
            assertThat(host.routes(IpFamily.IPV4))
                    .contains(
                            new HostRoute(
                                    IpPrefix.parse("0.0.0.0/0"),
                                    Optional.of(IpAddress.parse("192.168.77.254")),
                                    TestNamespace.UNDERLAY),
                            new HostRoute(
                                    IpPrefix.parse("10.99.0.0/16"),
                                    Optional.of(IpAddress.parse("192.168.77.253")),
                                    TestNamespace.UNDERLAY),
                            new HostRoute(
                                    TestNamespace.UNDERLAY_IPV4_SUBNET, Optional.empty(), TestNamespace.UNDERLAY));
        }
    }

    @Test
    void theExternalInterfaceIsTheDefaultRoutesDevice() {
        try (NetlinkHostInterfaces host = NetlinkHostInterfaces.openIn(namespace.file())) {
            ExternalInterface external = ExternalInterface.find(ExternalInterface.Choice.none(), host);

            assertThat(external.name()).isEqualTo(TestNamespace.UNDERLAY);
            assertThat(external.publicAddress(IpFamily.IPV4, null)).contains(TestNamespace.UNDERLAY_IPV4);
        }
    }

    @Test
    void routeGetNamesTheDeviceTheKernelWouldUse() {
        try (NetlinkHostInterfaces host = NetlinkHostInterfaces.openIn(namespace.file())) {
            assertThat(host.deviceTo(IpAddress.parse("10.99.1.2"))).contains(TestNamespace.UNDERLAY);
            assertThat(host.deviceTo(IpAddress.parse("203.0.113.9")))
                    .as("by the default route")
                    .contains(TestNamespace.UNDERLAY);
            assertThat(host.deviceTo(IpAddress.parse("2001:db8::1")))
                    .as("no IPv6 default route")
                    .isEmpty();
        }
    }
}
