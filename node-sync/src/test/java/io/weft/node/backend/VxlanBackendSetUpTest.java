package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.SELF_IP;
import static io.weft.node.backend.TestCluster.p;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.MemoryDataplane;
import io.weft.node.dataplane.VxlanSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VxlanBackend#prepare} and {@link VxlanBackend#activate} against the memory kernel. */
@Timeout(30)
class VxlanBackendSetUpTest {

    private final VxlanBackend backend = new VxlanBackend();
    private final NetworkConfig network = TestCluster.vxlan(true, false);
    private MemoryDataplane dp;

    @BeforeEach
    void kernel() {
        dp = new MemoryDataplane();
        dp.addUnderlay("eth0", p("192.168.77.0/24"), p("fd00:77::/64"));
    }

    @Test
    void prepareCreatesBothDevicesAndAdvertisesTheirMacs() throws BackendException {
        Advertisement advertisement = backend.prepare(TestCluster.host(network), dp);

        LinkInfo v4 = dp.linkByName("flannel.1").orElseThrow();
        LinkInfo v6 = dp.linkByName("flannel-v6.1").orElseThrow();
        assertThat(v4.mac()).isEqualTo(VtepMac.derive("node-a", 1, IpFamily.IPV4));
        assertThat(advertisement.backendType()).isEqualTo("vxlan");
        assertThat(advertisement.vxlan().orElseThrow().getVtepMac()).isEqualTo(v4.mac());
        assertThat(advertisement.vxlan().orElseThrow().getVni()).isEqualTo(1);
        assertThat(advertisement.vxlanV6().orElseThrow().getVtepMac()).isEqualTo(v6.mac());
        AcquireLeaseRequest request =
                advertisement.applyTo(AcquireLeaseRequest.newBuilder()).build();
        assertThat(request.getBackendType()).isEqualTo("vxlan");
        assertThat(request.getVxlan().getVtepMac()).isEqualTo(v4.mac());
        assertThat(request.getVxlanV6().getVtepMac()).isEqualTo(v6.mac());
    }

    @Test
    void aDeviceFlanneldLeftBehindIsKeptWithItsMac() throws BackendException {
        dp.vxlanAdd(new VxlanSpec("flannel.1", 1, SELF_IP, "eth0", 8472, false, false, 1450, "c6:d2:32:6f:8f:44"));
        dp.clearRecording();

        Advertisement advertisement = backend.prepare(TestCluster.host(TestCluster.vxlan(false, false)), dp);

        assertThat(advertisement.vxlan().orElseThrow().getVtepMac()).isEqualTo("c6:d2:32:6f:8f:44");
        assertThat(dp.untouched()).isTrue();
    }

    @Test
    void activateAddressesTheDevicesWithTheOwnSubnetAndSetsThemUp() throws BackendException {
        backend.prepare(TestCluster.host(network), dp);

        backend.activate(TestCluster.self(network), dp);

        assertThat(dp.addressList("flannel.1", IpFamily.IPV4)).containsExactly(p("10.244.1.0/32"));
        assertThat(dp.addressList("flannel-v6.1", IpFamily.IPV6)).containsExactly(p("fd00:10:244:1::/128"));
        assertThat(dp.linkByName("flannel.1").orElseThrow().up()).isTrue();
        assertThat(dp.linkByName("flannel-v6.1").orElseThrow().up()).isTrue();
    }

    @Test
    void aRestartChangesNothing() throws BackendException {
        backend.prepare(TestCluster.host(network), dp);
        backend.activate(TestCluster.self(network), dp);
        dp.clearRecording();

        Advertisement again = backend.prepare(TestCluster.host(network), dp);
        backend.activate(TestCluster.self(network), dp);

        assertThat(dp.untouched()).as("recorded: %s", dp.linkOperations()).isTrue();
        assertThat(again.vxlan().orElseThrow().getVtepMac()).isEqualTo(VtepMac.derive("node-a", 1, IpFamily.IPV4));
    }

    @Test
    void activateRemovesTheAddressOfALeaseHeldBefore() throws BackendException {
        backend.prepare(TestCluster.host(network), dp);
        dp.addressReplace("flannel.1", p("10.244.9.0/32"));

        backend.activate(TestCluster.self(network), dp);

        assertThat(dp.addressList("flannel.1", IpFamily.IPV4)).containsExactly(p("10.244.1.0/32"));
    }

    @Test
    void activateKeepsTheIpv6LinkLocalAddress() throws BackendException {
        backend.prepare(TestCluster.host(network), dp);
        dp.addressReplace("flannel-v6.1", p("fe80::/64"));

        backend.activate(TestCluster.self(network), dp);

        assertThat(dp.addressList("flannel-v6.1", IpFamily.IPV6))
                .containsExactlyInAnyOrder(p("fe80::/64"), p("fd00:10:244:1::/128"));
    }
}
