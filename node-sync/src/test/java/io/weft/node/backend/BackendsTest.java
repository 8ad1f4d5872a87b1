package io.weft.node.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Backends}: the explicit registry by type name. */
@Timeout(30)
class BackendsTest {

    private final VxlanBackend vxlan = new VxlanBackend();
    private final HostGwBackend hostGw = new HostGwBackend();
    private final Backends backends = Backends.of(vxlan, hostGw);

    @Test
    void findsEachBackendByItsTypeName() throws BackendException {
        assertThat(backends.forType("vxlan")).isSameAs(vxlan);
        assertThat(backends.forType("host-gw")).isSameAs(hostGw);
        assertThat(backends.find("ipip")).isEmpty();
        assertThat(backends.types()).containsExactly("host-gw", "vxlan");
    }

    @Test
    void anUnknownTypeNamesTheSupportedOnes() {
        assertThatThrownBy(() -> backends.forType("ipip"))
                .isInstanceOf(BackendException.class)
                .hasMessage("backend type \"ipip\" is not supported; weft supports host-gw, vxlan");
    }

    @Test
    void udpGetsAHintBecauseFlannelDefaultsToIt() {
        assertThatThrownBy(() -> backends.forType("udp"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("flannel's default when the config has no Backend");
    }

    @Test
    void twoBackendsForOneTypeAreRefused() {
        assertThatThrownBy(() -> Backends.of(vxlan, new VxlanBackend()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"vxlan\"");
    }

    @Test
    void aRegistryHoldsOnlyWhatItWasBuiltWith() {
        Backends onlyHostGw = Backends.of(hostGw);

        assertThat(onlyHostGw.find("vxlan")).isEmpty();
        assertThat(onlyHostGw.types()).containsExactly("host-gw");
    }
}
