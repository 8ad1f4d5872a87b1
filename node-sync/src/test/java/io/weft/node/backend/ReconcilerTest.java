package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.ip;
import static io.weft.node.backend.TestCluster.mac;
import static io.weft.node.backend.TestCluster.p;
import static io.weft.node.backend.TestCluster.vxlanPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelChange.FdbDelete;
import io.weft.node.dataplane.KernelChange.FdbReplace;
import io.weft.node.dataplane.KernelChange.NeighbourDelete;
import io.weft.node.dataplane.KernelChange.NeighbourReplace;
import io.weft.node.dataplane.KernelChange.RouteDelete;
import io.weft.node.dataplane.KernelChange.RouteReplace;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.MemoryDataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Reconciler}: the pure diff, and reconcile against the memory kernel. */
@Timeout(30)
class ReconcilerTest {

    private static final String DEV = "flannel.1";

    private final VxlanBackend backend = new VxlanBackend();
    private final NetworkConfig network = TestCluster.vxlan(true, false);
    private final NodeContext self = TestCluster.self(network);
    private MemoryDataplane dp;

    @BeforeEach
    void kernelWithDevices() throws BackendException {
        dp = new MemoryDataplane();
        dp.addUnderlay("eth0", p("192.168.77.0/24"), p("fd00:77::/64"));
        backend.prepare(self.host(), dp);
        backend.activate(self, dp);
        dp.clearRecording();
    }

    private DesiredState desired(Lease... peers) {
        return backend.desired(self, PeerLease.of(List.of(peers)));
    }

    private static KernelRoute route(int n) {
        return new KernelRoute(p("10.244." + n + ".0/24"), ip("10.244." + n + ".0"), DEV, true);
    }

    private static KernelNeighbour neighbour(int n, String mac) {
        return new KernelNeighbour(ip("10.244." + n + ".0"), mac, DEV);
    }

    private static KernelFdbEntry fdb(String mac, String destination) {
        return new KernelFdbEntry(mac, ip(destination), DEV);
    }

    private static DesiredState onFlannel(
            Set<KernelRoute> routes, Set<KernelNeighbour> neighbours, Set<KernelFdbEntry> fdb) {
        return DesiredState.of(routes, neighbours, fdb, Set.of(DEV), List.of());
    }

    @Test
    void fromNothingEverythingIsAddedNeighbourAndFdbBeforeTheRoute() {
        DesiredState desired = onFlannel(
                Set.of(route(2)), Set.of(neighbour(2, mac(2, false))), Set.of(fdb(mac(2, false), "10.20.0.2")));

        Reconciler.Plan plan = Reconciler.diff(desired, new KernelState(Set.of(), Set.of(), Set.of()));

        assertThat(plan.changes())
                .containsExactly(
                        new NeighbourReplace(neighbour(2, mac(2, false))),
                        new FdbReplace(fdb(mac(2, false), "10.20.0.2")),
                        new RouteReplace(route(2)));
        assertThat(plan.added()).isEqualTo(3);
        assertThat(plan.changed()).isZero();
        assertThat(plan.removed()).isZero();
    }

    @Test
    void equalStatesNeedNoChange() {
        DesiredState desired = onFlannel(Set.of(route(2)), Set.of(neighbour(2, mac(2, false))), Set.of());

        Reconciler.Plan plan = Reconciler.diff(
                desired, new KernelState(Set.of(route(2)), Set.of(neighbour(2, mac(2, false))), Set.of()));

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void aMovedMacIsAChangeAStalePeerIsRemovedAndDeletesComeFirst() {
        DesiredState desired = onFlannel(
                Set.of(route(2)),
                Set.of(neighbour(2, "0a:00:00:00:aa:02")),
                Set.of(fdb("0a:00:00:00:aa:02", "10.20.0.2")));
        KernelState actual = new KernelState(
                Set.of(route(2), route(5)),
                Set.of(neighbour(2, mac(2, false)), neighbour(5, mac(5, false))),
                Set.of(fdb(mac(2, false), "10.20.0.2"), fdb(mac(5, false), "10.20.0.5")));

        Reconciler.Plan plan = Reconciler.diff(desired, actual);

        assertThat(plan.changes())
                .containsExactly(
                        new RouteDelete(route(5)),
                        new NeighbourDelete(neighbour(5, mac(5, false))),
                        new FdbDelete(fdb(mac(2, false), "10.20.0.2")),
                        new FdbDelete(fdb(mac(5, false), "10.20.0.5")),
                        new NeighbourReplace(neighbour(2, "0a:00:00:00:aa:02")),
                        new FdbReplace(fdb("0a:00:00:00:aa:02", "10.20.0.2")));
        assertThat(plan.added()).isEqualTo(1);
        assertThat(plan.changed()).isEqualTo(1);
        assertThat(plan.removed()).isEqualTo(4);
    }

    @Test
    void reconcileConvergesAndASecondPassChangesNothing() {
        DesiredState desired = desired(
                vxlanPeer(2, "10.20.0.2").build(), vxlanPeer(3, "10.20.0.3").build());

        Reconciler.Summary first = Reconciler.reconcile(dp, desired);
        dp.clearRecording();
        Reconciler.Summary second = Reconciler.reconcile(dp, desired);

        assertThat(first.added()).isEqualTo(12);
        assertThat(first.failures()).isEmpty();
        assertThat(KernelState.read(dp, desired.devices()))
                .isEqualTo(new KernelState(desired.routes(), desired.neighbours(), desired.fdb()));
        assertThat(second.changes()).isZero();
        assertThat(dp.untouched()).as("no apply call at all").isTrue();
    }

    @Test
    void staleEntriesFromAPreviousRunAreRemovedAndNothingOfOthersIsTouched() {
        dp.vxlanAdd(new VxlanSpec(
                "vx-other", 99, TestCluster.SELF_IP, "eth0", 8472, false, false, 1450, "02:00:00:00:99:99"));
        KernelNeighbour foreignNeighbour = new KernelNeighbour(ip("192.168.77.50"), "0a:00:00:00:00:50", "eth0");
        KernelFdbEntry foreignFdb = new KernelFdbEntry("0a:00:00:00:00:51", ip("10.20.0.51"), "vx-other");
        KernelRoute staleDirect = new KernelRoute(p("10.244.7.0/24"), ip("192.168.77.107"), "eth0", false);
        KernelRoute staleV6 = new KernelRoute(p("fd00:10:244:7::/64"), ip("fd00:10:244:7::"), "flannel-v6.1", true);
        dp.apply(List.of(
                new NeighbourReplace(foreignNeighbour),
                new FdbReplace(foreignFdb),
                new RouteReplace(route(6)),
                new NeighbourReplace(neighbour(6, mac(6, false))),
                new FdbReplace(fdb(mac(6, false), "10.20.0.6")),
                new RouteReplace(staleDirect),
                new RouteReplace(staleV6)));
        DesiredState desired = desired(vxlanPeer(2, "10.20.0.2").build());
        dp.clearRecording();

        Reconciler.Summary summary = Reconciler.reconcile(dp, desired);

        assertThat(summary.removed()).isEqualTo(5);
        assertThat(summary.failures()).isEmpty();
        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(route(2));
        assertThat(dp.routeList(IpFamily.IPV6))
                .containsExactly(new KernelRoute(p("fd00:10:244:2::/64"), ip("fd00:10:244:2::"), "flannel-v6.1", true));
        assertThat(dp.neighbourList(DEV, IpFamily.IPV4)).containsExactly(neighbour(2, mac(2, false)));
        assertThat(dp.neighbourList("eth0", IpFamily.IPV4)).containsExactly(foreignNeighbour);
        assertThat(dp.fdbList("vx-other")).containsExactly(foreignFdb);
        assertThat(dp.appliedChanges())
                .noneMatch(change -> change.toString().contains("vx-other")
                        || change.toString().contains("192.168.77.50"));
    }

    @Test
    void oneFailingChangeDoesNotBlockTheOthersAndIsRetriedAlone() {
        DesiredState desired = desired(
                vxlanPeer(2, "10.20.0.2").build(),
                vxlanPeer(3, "10.20.0.3").build(),
                vxlanPeer(4, "10.20.0.4").build());
        KernelChange doomed = new RouteReplace(route(3));
        dp.failChange(doomed, "Operation not permitted (EPERM)");

        Reconciler.Summary first = Reconciler.reconcile(dp, desired);

        assertThat(first.failures()).extracting(ChangeFailure::change).containsExactly(doomed);
        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(route(2), route(4));
        assertThat(dp.neighbourList(DEV, IpFamily.IPV4)).hasSize(3);
        assertThat(dp.fdbList(DEV)).hasSize(3);

        dp.clearRecording();
        Reconciler.Summary retry = Reconciler.reconcile(dp, desired);

        assertThat(dp.appliedChanges()).containsExactly(doomed);
        assertThat(retry.failures()).hasSize(1);

        dp.clearFailures();
        Reconciler.Summary healed = Reconciler.reconcile(dp, desired);
        dp.clearRecording();

        assertThat(healed.failures()).isEmpty();
        assertThat(Reconciler.reconcile(dp, desired).changes()).isZero();
        assertThat(dp.untouched()).isTrue();
    }

    @Test
    void aMissingVxlanDeviceFailsItsRoutesButNotTheRest() {
        dp.linkDelete("flannel-v6.1");
        DesiredState desired = desired(vxlanPeer(2, "10.20.0.2").build());

        Reconciler.Summary summary = Reconciler.reconcile(dp, desired);

        assertThat(summary.failures())
                .hasSize(3)
                .allSatisfy(failure ->
                        assertThat(failure.reason()).contains("flannel-v6.1").endsWith("(ENODEV)"));
        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(route(2));
    }

    @Test
    void leavingVxlanForHostGwRemovesTheVxlanRoutesButLeavesTheDevicesItNoLongerOwns() {
        Reconciler.reconcile(dp, desired(vxlanPeer(2, "10.20.0.2").build()));
        NodeContext hostGwSelf = TestCluster.self(TestCluster.hostGw(true));
        DesiredState hostGw = new HostGwBackend()
                .desired(
                        hostGwSelf,
                        PeerLease.of(List.of(TestCluster.hostGwPeer(3).build())));

        Reconciler.Summary summary = Reconciler.reconcile(dp, hostGw);

        assertThat(summary.removed()).isEqualTo(2);
        assertThat(summary.added()).isEqualTo(2);
        assertThat(dp.routeList(IpFamily.IPV4))
                .containsExactly(new KernelRoute(p("10.244.3.0/24"), ip("192.168.77.103"), "eth0", false));
        assertThat(dp.neighbourList(DEV, IpFamily.IPV4)).hasSize(1);
    }

    @Test
    void nothingWantedRemovesEveryWeftRoute() {
        Reconciler.reconcile(dp, desired(vxlanPeer(2, "10.20.0.2").build()));

        Reconciler.reconcile(dp, DesiredState.none());

        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
        assertThat(dp.routeList(IpFamily.IPV6)).isEmpty();
    }

    @Test
    void aDesiredStateHoldsOneObjectPerIdentityOnWeftsOwnDevices() {
        KernelRoute other = new KernelRoute(p("10.244.2.0/24"), ip("192.168.77.102"), "eth0", false);

        assertThatThrownBy(() -> onFlannel(Set.of(route(2), other), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two routes");
        assertThatThrownBy(() ->
                        onFlannel(Set.of(), Set.of(neighbour(2, mac(2, false)), neighbour(2, mac(3, false))), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two neighbours");
        assertThatThrownBy(() -> DesiredState.of(
                        Set.of(), Set.of(neighbour(2, mac(2, false))), Set.of(), Set.of("flannel.2"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one of weft's devices");
    }
}
