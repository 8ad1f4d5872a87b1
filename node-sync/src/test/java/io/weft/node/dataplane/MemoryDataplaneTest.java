package io.weft.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelChange.FdbReplace;
import io.weft.node.dataplane.KernelChange.NeighbourReplace;
import io.weft.node.dataplane.KernelChange.RouteReplace;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract against {@link MemoryDataplane}, plus what only the memory kernel offers: its
 * recording, injected failures and the exact reasons it gives.
 */
class MemoryDataplaneTest extends DataplaneContract {

    private static final String UNDERLAY = "eth-test";

    private MemoryDataplane memory;

    @Override
    protected DataplaneFixture fixture() {
        memory = new MemoryDataplane();
        memory.addUnderlay(UNDERLAY, 1500, IpPrefix.parse("192.168.77.0/24"), IpPrefix.parse("fd00:77::/64"));
        return new DataplaneFixture(
                memory,
                UNDERLAY,
                IpAddress.parse("192.168.77.2"),
                IpPrefix.parse("192.168.77.0/24"),
                IpAddress.parse("fd00:77::2"),
                IpPrefix.parse("fd00:77::/64"));
    }

    private VxlanSpec spec(String name, int vni, String local, int mtu) {
        return new VxlanSpec(name, vni, IpAddress.parse(local), UNDERLAY, 0, false, false, mtu, "02:00:00:00:00:aa");
    }

    private static KernelRoute onlink(String cidr, String device) {
        IpPrefix destination = IpPrefix.parse(cidr);
        return new KernelRoute(destination, destination.address(), device, true);
    }

    @Test
    void recordsEveryAppliedChangeAndEveryLinkOperation() {
        memory.vxlanAdd(spec("flannel.1", 1, "192.168.77.2", 1450));
        memory.linkSetUp("flannel.1");
        RouteReplace change = new RouteReplace(onlink("10.244.2.0/24", "flannel.1"));

        memory.apply(List.of(change, change));
        memory.apply(List.of());

        assertThat(memory.applyCalls()).isEqualTo(2);
        assertThat(memory.appliedChanges()).containsExactly(change, change);
        assertThat(memory.linkOperations())
                .extracting(MemoryDataplane.LinkOperation::verb)
                .containsExactly("vxlanAdd", "linkSetUp");
        assertThat(memory.untouched()).isFalse();

        memory.clearRecording();
        memory.routeList(IpFamily.IPV4);
        memory.linkByName("flannel.1");

        assertThat(memory.untouched()).as("reads are not recorded").isTrue();
        assertThat(memory.appliedChanges()).isEmpty();
    }

    @Test
    void anInjectedFailureFailsOnlyThatChangeUntilCleared() {
        memory.vxlanAdd(spec("flannel.1", 1, "192.168.77.2", 1450));
        memory.linkSetUp("flannel.1");
        RouteReplace doomed = new RouteReplace(onlink("10.244.2.0/24", "flannel.1"));
        RouteReplace fine = new RouteReplace(onlink("10.244.3.0/24", "flannel.1"));
        memory.failChange(doomed, "Operation not permitted (EPERM)");

        List<ChangeFailure> failures = memory.apply(List.of(doomed, fine));

        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.change()).isEqualTo(doomed);
            assertThat(failure.reason())
                    .isEqualTo(
                            "route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink: Operation not permitted (EPERM)");
        });
        assertThat(memory.routeList(IpFamily.IPV4)).containsExactly(fine.route());

        memory.clearFailures();

        assertThat(memory.apply(List.of(doomed))).isEmpty();
        assertThat(memory.routeList(IpFamily.IPV4)).hasSize(2);
    }

    @Test
    void aGatewayOffTheDevicesSubnetsGetsTheKernelsReason() {
        KernelRoute route =
                new KernelRoute(IpPrefix.parse("10.244.2.0/24"), IpAddress.parse("10.1.1.1"), UNDERLAY, false);

        List<ChangeFailure> failures = memory.apply(List.of(new RouteReplace(route)));

        assertThat(failures)
                .singleElement()
                .extracting(ChangeFailure::reason)
                .isEqualTo(
                        "route replace 10.244.2.0/24 via 10.1.1.1 dev eth-test: Nexthop has invalid gateway (ENETUNREACH)");
    }

    @Test
    void anOnlinkRouteThroughADownDeviceIsRefusedWithEnetdown() {
        memory.vxlanAdd(spec("flannel.1", 1, "192.168.77.2", 1450));

        List<ChangeFailure> failures = memory.apply(List.of(new RouteReplace(onlink("10.244.2.0/24", "flannel.1"))));

        assertThat(failures)
                .singleElement()
                .extracting(ChangeFailure::reason)
                .asString()
                .endsWith("Nexthop device is not up (ENETDOWN)");
    }

    @Test
    void anFdbEntryMustHaveTheVxlanDevicesFamilyAndIsInvisibleOnOtherDevices() {
        memory.vxlanAdd(spec("flannel.1", 1, "192.168.77.2", 1450));
        KernelFdbEntry v6OnV4 = new KernelFdbEntry("02:00:00:00:00:01", IpAddress.parse("fd00:77::5"), "flannel.1");
        KernelFdbEntry onUnderlay = new KernelFdbEntry("02:00:00:00:00:01", IpAddress.parse("192.168.77.5"), UNDERLAY);

        List<ChangeFailure> failures = memory.apply(List.of(new FdbReplace(v6OnV4), new FdbReplace(onUnderlay)));

        // As the kernel: EAFNOSUPPORT on the vxlan device; a veth takes the MAC but keeps no dst.
        assertThat(failures)
                .singleElement()
                .extracting(ChangeFailure::reason)
                .asString()
                .endsWith("Address family not supported by protocol (EAFNOSUPPORT)");
        assertThat(memory.fdbList("flannel.1")).isEmpty();
        assertThat(memory.fdbList(UNDERLAY)).isEmpty();
    }

    @Test
    void aNeighbourOnAMissingDeviceFails() {
        KernelNeighbour neighbour =
                new KernelNeighbour(IpAddress.parse("10.244.2.0"), "02:00:00:00:00:01", "flannel.9");

        assertThat(memory.apply(List.of(new NeighbourReplace(neighbour))))
                .singleElement()
                .extracting(ChangeFailure::reason)
                .asString()
                .endsWith("(ENODEV)");
    }

    @Test
    void theMtuDefaultsToAndIsCappedAtTheUnderlayMinusTheEncapsulation() {
        LinkInfo derived = memory.vxlanAdd(spec("flannel.1", 1, "192.168.77.2", 0));
        LinkInfo capped = memory.vxlanAdd(spec("flannel-v6.1", 1, "fd00:77::2", 9000));

        assertThat(derived.mtu()).isEqualTo(1450);
        assertThat(capped.mtu()).isEqualTo(1430);
        assertThat(derived.vxlan().orElseThrow().port())
                .as("port 0 means the kernel default")
                .isEqualTo(8472);
        assertThatThrownBy(() -> memory.vxlanAdd(spec("flannel.2", 2, "192.168.77.2", 60)))
                .isInstanceOfSatisfying(
                        DataplaneException.class, e -> assertThat(e.errno()).isEqualTo(22));
    }

    @Test
    void vxlanAddOverAMissingUnderlayFailsWithEnodev() {
        VxlanSpec orphan = new VxlanSpec(
                "flannel.1",
                1,
                IpAddress.parse("192.168.77.2"),
                "eth-none",
                8472,
                false,
                false,
                1450,
                "02:00:00:00:00:aa");

        assertThatThrownBy(() -> memory.vxlanAdd(orphan))
                .isInstanceOfSatisfying(
                        DataplaneException.class, e -> assertThat(e.errno()).isEqualTo(19));
        assertThat(memory.linkByName("flannel.1")).isEmpty();
    }

    @Test
    void deletingTheUnderlayTakesItsVxlanDevicesAndRoutesWithIt() {
        memory.vxlanAdd(spec("flannel.1", 1, "192.168.77.2", 1450));
        memory.addUnderlay("eth-other", IpPrefix.parse("10.9.0.0/16"));
        KernelRoute direct =
                new KernelRoute(IpPrefix.parse("10.244.5.0/24"), IpAddress.parse("192.168.77.9"), UNDERLAY, false);
        memory.apply(List.of(new RouteReplace(direct)));

        memory.linkDelete(UNDERLAY);

        assertThat(memory.linkByName("flannel.1")).isEmpty();
        assertThat(memory.linkByName("eth-other")).isPresent();
        assertThat(memory.routeList(IpFamily.IPV4)).isEmpty();
    }

    @Test
    void aRouteDeleteWhoseNextHopDiffersLeavesTheRouteAsTheKernelDoes() {
        KernelRoute present =
                new KernelRoute(IpPrefix.parse("10.244.5.0/24"), IpAddress.parse("192.168.77.9"), UNDERLAY, false);
        KernelRoute other =
                new KernelRoute(IpPrefix.parse("10.244.5.0/24"), IpAddress.parse("192.168.77.10"), UNDERLAY, false);
        memory.apply(List.of(new RouteReplace(present)));

        assertThat(memory.apply(List.of(new KernelChange.RouteDelete(other)))).isEmpty();

        assertThat(memory.routeList(IpFamily.IPV4)).containsExactly(present);
    }

    @Test
    void aClosedDataplaneRefusesCalls() {
        memory.close();

        assertThatThrownBy(() -> memory.routeList(IpFamily.IPV4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> memory.apply(List.of())).isInstanceOf(IllegalStateException.class);
    }
}
