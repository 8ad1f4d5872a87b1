package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostRoute;
import io.weft.node.dataplane.MemoryHostInterfaces;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the external interface is chosen, flanneld's flags in flanneld's order. */
@Timeout(10)
class ExternalInterfaceTest {

    private final MemoryHostInterfaces host = new MemoryHostInterfaces()
            .add("eth0", 1500, address("192.168.1.10", 24))
            .add("eth1", 9000, address("10.20.0.5", 16))
            .add("bond0", 1500, address("172.16.0.2", 24))
            .addRoute(new HostRoute(IpPrefix.parse("0.0.0.0/0"), Optional.of(IpAddress.parse("192.168.1.1")), "eth0"))
            .addRoute(new HostRoute(IpPrefix.parse("10.20.0.0/16"), Optional.empty(), "eth1"))
            .addRoute(new HostRoute(IpPrefix.parse("10.0.0.0/8"), Optional.of(IpAddress.parse("172.16.0.1")), "bond0"));

    @Test
    void eachIfaceIsTriedInOrderByNameOrByAddress() {
        assertThat(find(List.of("wlan0", "eth1"), List.of(), null).name()).isEqualTo("eth1");
        assertThat(find(List.of("172.16.0.2"), List.of(), null).name()).isEqualTo("bond0");
    }

    @Test
    void regexesComeAfterTheNamesAndInTheirOwnOrder() {
        assertThat(find(List.of("wlan0"), List.of(Pattern.compile("bond.*"), Pattern.compile("eth.*")), null)
                        .name())
                .isEqualTo("bond0");
    }

    @Test
    void canReachTakesTheInterfaceOfTheKernelsRoute() {
        assertThat(find(List.of(), List.of(), "10.20.3.4").name())
                .as("the /16 over the /8")
                .isEqualTo("eth1");
        assertThat(find(List.of(), List.of(), "10.99.0.1").name()).isEqualTo("bond0");
        assertThat(find(List.of(), List.of(), "8.8.8.8").name())
                .as("the default route")
                .isEqualTo("eth0");
    }

    @Test
    void withNoChoiceTheDefaultRoutesInterfaceIsTaken() {
        assertThat(ExternalInterface.find(ExternalInterface.Choice.none(), host).name())
                .isEqualTo("eth0");
    }

    @Test
    void nothingMatchingNamesEveryFlagTried() {
        assertThatThrownBy(() -> find(List.of("wlan0", "10.1.1.1"), List.of(Pattern.compile("ib.*")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--iface wlan0, --iface 10.1.1.1, --iface-regex ib.*: no interface matches")
                .hasMessageContaining("bond0");
    }

    private ExternalInterface find(List<String> names, List<Pattern> regexes, String canReach) {
        return ExternalInterface.find(
                new ExternalInterface.Choice(names, regexes, canReach == null ? null : IpAddress.parse(canReach), null),
                host);
    }

    private static HostInterface.Address address(String ip, int length) {
        return new HostInterface.Address(IpAddress.parse(ip), length);
    }
}
