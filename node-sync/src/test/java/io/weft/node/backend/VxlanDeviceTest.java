package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.SELF_IP;
import static io.weft.node.backend.TestCluster.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpFamily;
import io.weft.node.dataplane.DataplaneException;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.MemoryDataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VxlanDevice}: keep a compatible device and its MAC, replace an incompatible one. */
@Timeout(30)
class VxlanDeviceTest {

    private static final int UNDERLAY_INDEX = 3;
    private static final String DERIVED = VtepMac.derive("node-a", 1, IpFamily.IPV4);
    private static final String FLANNELDS = "c6:d2:32:6f:8f:44";

    private static VxlanSpec wanted(int mtu) {
        return new VxlanSpec("flannel.1", 1, SELF_IP, "eth0", 8472, false, false, mtu, DERIVED);
    }

    private static LinkInfo existing(int vni, int mtu, String mac) {
        return new LinkInfo(
                "flannel.1",
                9,
                "vxlan",
                true,
                mtu,
                mac,
                Optional.of(new LinkInfo.VxlanAttributes(vni, 8472, SELF_IP, UNDERLAY_INDEX, false, false)));
    }

    @Test
    void aMissingDeviceIsCreatedWithTheDerivedMac() {
        VxlanDevice.Plan plan = VxlanDevice.plan(wanted(1450), Optional.empty(), UNDERLAY_INDEX);

        assertThat(plan.action()).isEqualTo(VxlanDevice.Action.CREATE);
        assertThat(plan.spec().mac()).isEqualTo(DERIVED);
    }

    @Test
    void aCompatibleDeviceIsKeptWithItsOwnMac() {
        VxlanDevice.Plan plan =
                VxlanDevice.plan(wanted(1450), Optional.of(existing(1, 1450, FLANNELDS)), UNDERLAY_INDEX);

        assertThat(plan.action()).isEqualTo(VxlanDevice.Action.KEEP);
        assertThat(plan.spec().mac()).isEqualTo(FLANNELDS);
    }

    @Test
    void aCompatibleDeviceWithAnotherMtuGetsItInPlaceKeepingItsMac() {
        VxlanDevice.Plan plan =
                VxlanDevice.plan(wanted(1400), Optional.of(existing(1, 1450, FLANNELDS)), UNDERLAY_INDEX);

        assertThat(plan.action()).isEqualTo(VxlanDevice.Action.SET_MTU);
        assertThat(plan.spec().mac()).isEqualTo(FLANNELDS);
        assertThat(plan.spec().mtu()).isEqualTo(1400);
        assertThat(plan.reason()).isEqualTo("MTU 1450, want 1400");
    }

    @Test
    void anIncompatibleDeviceIsRecreatedWithTheDerivedMacAndTheReasonNamesEveryDifference() {
        LinkInfo otherVni = existing(2, 1450, FLANNELDS);
        LinkInfo otherUnderlay = new LinkInfo(
                "flannel.1",
                9,
                "vxlan",
                true,
                1450,
                FLANNELDS,
                Optional.of(new LinkInfo.VxlanAttributes(1, 4789, ip("10.0.0.1"), 7, true, false)));
        LinkInfo notVxlan = new LinkInfo("flannel.1", 9, "dummy", true, 1500, FLANNELDS, Optional.empty());

        VxlanDevice.Plan byVni = VxlanDevice.plan(wanted(1450), Optional.of(otherVni), UNDERLAY_INDEX);
        VxlanDevice.Plan byMany = VxlanDevice.plan(wanted(1450), Optional.of(otherUnderlay), UNDERLAY_INDEX);
        VxlanDevice.Plan byKind = VxlanDevice.plan(wanted(1450), Optional.of(notVxlan), UNDERLAY_INDEX);

        assertThat(byVni.action()).isEqualTo(VxlanDevice.Action.RECREATE);
        assertThat(byVni.spec().mac()).isEqualTo(DERIVED);
        assertThat(byVni.reason()).isEqualTo("VNI 2, want 1");
        assertThat(byMany.reason())
                .isEqualTo(
                        "port 4789, want 8472, local 10.0.0.1, want 192.168.77.2, underlay index 7, want 3, learning true, want false");
        assertThat(byKind.reason()).isEqualTo("a dummy device, not vxlan");
    }

    @Test
    void ensureCreatesKeepsAndReplacesThroughTheDataplane() {
        MemoryDataplane dp = new MemoryDataplane();
        dp.addUnderlay("eth0", TestCluster.p("192.168.77.0/24"));

        LinkInfo created = VxlanDevice.ensure(dp, wanted(1450));
        dp.clearRecording();
        LinkInfo kept = VxlanDevice.ensure(dp, wanted(1450));

        assertThat(created.mac()).isEqualTo(DERIVED);
        assertThat(kept).isEqualTo(created);
        assertThat(dp.untouched()).isTrue();

        VxlanSpec otherVni = new VxlanSpec("flannel.1", 5, SELF_IP, "eth0", 8472, false, false, 1450, DERIVED);
        LinkInfo replaced = VxlanDevice.ensure(dp, otherVni);

        assertThat(replaced.vxlan().orElseThrow().vni()).isEqualTo(5);
        assertThat(dp.linkOperations())
                .extracting(MemoryDataplane.LinkOperation::verb)
                .containsExactly("linkDelete", "vxlanAdd");
    }

    @Test
    void ensureChangesTheMtuWithoutDeletingTheDevice() {
        MemoryDataplane dp = new MemoryDataplane();
        dp.addUnderlay("eth0", TestCluster.p("192.168.77.0/24"));
        LinkInfo created = VxlanDevice.ensure(dp, wanted(1450));
        dp.clearRecording();

        LinkInfo changed = VxlanDevice.ensure(dp, wanted(1400));

        assertThat(changed.mtu()).isEqualTo(1400);
        assertThat(changed.index()).isEqualTo(created.index());
        assertThat(dp.linkOperations())
                .extracting(MemoryDataplane.LinkOperation::verb)
                .containsExactly("linkSetMtu");
    }

    @Test
    void ensureWithoutTheUnderlayFailsNamingIt() {
        MemoryDataplane dp = new MemoryDataplane();

        assertThatThrownBy(() -> VxlanDevice.ensure(dp, wanted(1450)))
                .isInstanceOf(DataplaneException.class)
                .hasMessageContaining("eth0 does not exist");
    }
}
