package io.weft.node.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelChange.FdbDelete;
import io.weft.node.dataplane.KernelChange.FdbReplace;
import io.weft.node.dataplane.KernelChange.NeighbourDelete;
import io.weft.node.dataplane.KernelChange.NeighbourReplace;
import io.weft.node.dataplane.KernelChange.RouteDelete;
import io.weft.node.dataplane.KernelChange.RouteReplace;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Dataplane} shares, run against each implementation: the in-memory
 * one ({@code MemoryDataplaneTest}) and the netlink one in a network namespace. Uses only the
 * interface and the {@link DataplaneFixture}; each test follows add, list, assert, delete, list
 * empty. VNIs and device names are distinct per device because the kernel refuses two vxlan
 * devices with the same VNI, port and family.
 */
@Timeout(30)
public abstract class DataplaneContract {

    private static final String MAC_A = "02:42:0a:00:00:01";
    private static final String MAC_B = "02:42:0a:00:00:02";

    /** A fresh dataplane and underlay; called once before each test. */
    protected abstract DataplaneFixture fixture();

    protected DataplaneFixture f;
    protected Dataplane dp;

    @BeforeEach
    void openFixture() {
        f = fixture();
        dp = f.dataplane();
    }

    @AfterEach
    void closeDataplane() {
        dp.close();
    }

    private int underlayMtu() {
        return dp.linkByName(f.underlay()).orElseThrow().mtu();
    }

    private VxlanSpec vxlan4(String name, int vni) {
        return new VxlanSpec(name, vni, f.ipv4(), f.underlay(), 8472, false, false, underlayMtu() - 50, MAC_A);
    }

    private VxlanSpec vxlan6(String name, int vni) {
        return new VxlanSpec(name, vni, f.ipv6(), f.underlay(), 8472, false, false, underlayMtu() - 70, MAC_B);
    }

    /** A vxlan device that is up, ready for onlink routes. */
    private String upVxlan4(String name, int vni) {
        dp.vxlanAdd(vxlan4(name, vni));
        dp.linkSetUp(name);
        return name;
    }

    private String upVxlan6(String name, int vni) {
        dp.vxlanAdd(vxlan6(name, vni));
        dp.linkSetUp(name);
        return name;
    }

    @Test
    void blackholeRoutesAreReplacedListedAndDeletedIdempotently() {
        IpPrefix v4 = IpPrefix.parse("10.244.3.0/24");
        IpPrefix v6 = IpPrefix.parse("fd00:10:0:3::/64");

        dp.blackholeReplace(v4);
        dp.blackholeReplace(v4);
        dp.blackholeReplace(v6);

        assertThat(dp.blackholeList(IpFamily.IPV4)).containsExactly(v4);
        assertThat(dp.blackholeList(IpFamily.IPV6)).containsExactly(v6);
        assertThat(dp.routeList(IpFamily.IPV4))
                .as("not one of the unicast routes")
                .isEmpty();

        dp.blackholeDelete(v4);
        dp.blackholeDelete(v4);

        assertThat(dp.blackholeList(IpFamily.IPV4)).isEmpty();
        assertThat(dp.blackholeList(IpFamily.IPV6)).containsExactly(v6);
    }

    @Test
    void linkEventsAnnounceADeviceAddedAndDeletedByAnyone() {
        List<LinkEvent> events = new CopyOnWriteArrayList<>();
        try (Dataplane.Subscription watch = dp.watchLinks(events::add, () -> {})) {
            LinkInfo created = dp.vxlanAdd(vxlan4("weft-ev0", 41));
            dp.linkDelete("weft-ev0");
            await().untilAsserted(() -> assertThat(events)
                    .contains(
                            new LinkEvent(LinkEvent.Change.ADDED, "weft-ev0", created.index(), false),
                            new LinkEvent(LinkEvent.Change.REMOVED, "weft-ev0", created.index(), false)));
            int seen = events.size();
            watch.close();
            dp.vxlanAdd(vxlan4("weft-ev1", 42));
            dp.linkDelete("weft-ev1");
            assertThat(events).hasSize(seen).noneMatch(event -> event.name().equals("weft-ev1"));
        }
    }

    private IpAddress gateway4() {
        return f.neighbourOf(f.ipv4(), f.ipv4Subnet());
    }

    private IpAddress gateway6() {
        return f.neighbourOf(f.ipv6(), f.ipv6Subnet());
    }

    private static IpPrefix p(String cidr) {
        return IpPrefix.parse(cidr);
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    // ---- links ---------------------------------------------------------------------------

    @Test
    void vxlanAddCreatesADeviceThatIsFoundByNameAndDeleteRemovesIt() {
        int underlayIndex = dp.linkByName(f.underlay()).orElseThrow().index();

        LinkInfo created = dp.vxlanAdd(vxlan4("wct.4201", 4201));

        LinkInfo found = dp.linkByName("wct.4201").orElseThrow();
        assertThat(found).isEqualTo(created);
        assertThat(found.kind()).isEqualTo("vxlan");
        assertThat(found.mac()).isEqualTo(MAC_A);
        assertThat(found.mtu()).isEqualTo(underlayMtu() - 50);
        assertThat(found.up()).isFalse();
        assertThat(found.index()).isPositive().isNotEqualTo(underlayIndex);
        assertThat(found.vxlan())
                .contains(new LinkInfo.VxlanAttributes(4201, 8472, f.ipv4(), underlayIndex, false, false));

        dp.linkDelete("wct.4201");

        assertThat(dp.linkByName("wct.4201")).isEmpty();
    }

    @Test
    void vxlanAddFailsWhenTheNameIsTaken() {
        dp.vxlanAdd(vxlan4("wct.4202", 4202));

        assertThatThrownBy(() -> dp.vxlanAdd(vxlan4("wct.4202", 4203)))
                .isInstanceOfSatisfying(DataplaneException.class, e -> {
                    assertThat(e.errno()).isEqualTo(17);
                    assertThat(e.getMessage()).contains("wct.4202");
                });
        assertThat(dp.linkByName("wct.4202").orElseThrow().vxlan().orElseThrow().vni())
                .isEqualTo(4202);
        dp.linkDelete("wct.4202");
    }

    @Test
    void aSecondVxlanDeviceWithTheSameVniPortAndFamilyIsRefusedButTheOtherFamilyIsFine() {
        dp.vxlanAdd(vxlan4("wct.4204", 4204));

        assertThatThrownBy(() -> dp.vxlanAdd(vxlan4("wct.4204b", 4204)))
                .isInstanceOfSatisfying(
                        DataplaneException.class, e -> assertThat(e.errno()).isEqualTo(17));
        LinkInfo v6 = dp.vxlanAdd(vxlan6("wct6.4204", 4204));

        assertThat(v6.vxlan().orElseThrow().local()).isEqualTo(f.ipv6());
        assertThat(dp.linkByName("wct.4204b")).isEmpty();
        dp.linkDelete("wct6.4204");
        dp.linkDelete("wct.4204");
    }

    @Test
    void deletingAMissingDeviceIsNotAnError() {
        assertThat(dp.linkByName("wct.none")).isEmpty();

        assertThatCode(() -> dp.linkDelete("wct.none")).doesNotThrowAnyException();
    }

    @Test
    void linkSetUpBringsTheDeviceUpAndFailsForAMissingOne() {
        dp.vxlanAdd(vxlan4("wct.4205", 4205));

        dp.linkSetUp("wct.4205");

        assertThat(dp.linkByName("wct.4205").orElseThrow().up()).isTrue();
        assertThatThrownBy(() -> dp.linkSetUp("wct.none")).isInstanceOf(DataplaneException.class);
        dp.linkDelete("wct.4205");
    }

    @Test
    void linkSetMtuChangesTheMtuInPlaceAndRefusesOneTooLarge() {
        LinkInfo created = dp.vxlanAdd(vxlan4("wct.4206", 4206));
        dp.addressReplace("wct.4206", IpPrefix.parse("10.206.1.0/32"));

        dp.linkSetMtu("wct.4206", 1300);

        LinkInfo changed = dp.linkByName("wct.4206").orElseThrow();
        assertThat(changed.mtu()).isEqualTo(1300);
        assertThat(changed.index()).isEqualTo(created.index());
        assertThat(changed.mac()).isEqualTo(created.mac());
        assertThat(dp.addressList("wct.4206", IpFamily.IPV4)).containsExactly(IpPrefix.parse("10.206.1.0/32"));
        assertThatThrownBy(() -> dp.linkSetMtu("wct.4206", 60000)).isInstanceOf(DataplaneException.class);
        assertThatThrownBy(() -> dp.linkSetMtu("wct.none", 1300)).isInstanceOf(DataplaneException.class);
        dp.linkDelete("wct.4206");
    }

    @Test
    void anIpv6VxlanDeviceRecordsItsLocalAddress() {
        int underlayIndex = dp.linkByName(f.underlay()).orElseThrow().index();

        dp.vxlanAdd(vxlan6("wct6.4206", 4206));

        LinkInfo found = dp.linkByName("wct6.4206").orElseThrow();
        assertThat(found.mtu()).isEqualTo(underlayMtu() - 70);
        assertThat(found.vxlan())
                .contains(new LinkInfo.VxlanAttributes(4206, 8472, f.ipv6(), underlayIndex, false, false));
        dp.linkDelete("wct6.4206");
        assertThat(dp.linkByName("wct6.4206")).isEmpty();
    }

    // ---- addresses -----------------------------------------------------------------------

    @Test
    void addressReplaceIsIdempotentAndDeleteRemovesIt() {
        dp.vxlanAdd(vxlan4("wct.4210", 4210));
        IpPrefix address = p("10.99.1.0/32");

        dp.addressReplace("wct.4210", address);
        dp.addressReplace("wct.4210", address);

        assertThat(dp.addressList("wct.4210", IpFamily.IPV4)).containsExactly(address);
        assertThat(dp.addressList("wct.4210", IpFamily.IPV6)).doesNotContain(address);

        dp.addressDelete("wct.4210", address);

        assertThat(dp.addressList("wct.4210", IpFamily.IPV4)).isEmpty();
        assertThatCode(() -> dp.addressDelete("wct.4210", address)).doesNotThrowAnyException();
        dp.linkDelete("wct.4210");
    }

    @Test
    void anIpv6AddressIsListedWithItsFamilyOnly() {
        upVxlan6("wct6.4211", 4211);
        IpPrefix address = p("fd00:99:1::/128");

        dp.addressReplace("wct6.4211", address);

        // An up device also gets a link-local address, so only membership is asserted.
        assertThat(dp.addressList("wct6.4211", IpFamily.IPV6)).contains(address);
        assertThat(dp.addressList("wct6.4211", IpFamily.IPV4)).isEmpty();

        dp.addressDelete("wct6.4211", address);

        assertThat(dp.addressList("wct6.4211", IpFamily.IPV6)).doesNotContain(address);
        dp.linkDelete("wct6.4211");
    }

    @Test
    void addressReplaceOnAMissingDeviceFails() {
        assertThatThrownBy(() -> dp.addressReplace("wct.none", p("10.99.1.0/32")))
                .isInstanceOf(DataplaneException.class);
    }

    // ---- routes --------------------------------------------------------------------------

    @Test
    void anOnlinkRouteThroughAVxlanDeviceIsListedAndDeleted() {
        String dev = upVxlan4("wct.4220", 4220);
        KernelRoute route = new KernelRoute(p("10.99.2.0/24"), ip("10.99.2.0"), dev, true);

        assertThat(dp.apply(List.of(new RouteReplace(route)))).isEmpty();

        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(route);
        assertThat(dp.routeList(IpFamily.IPV6)).isEmpty();

        assertThat(dp.apply(List.of(new RouteDelete(route)))).isEmpty();

        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
        assertThat(dp.apply(List.of(new RouteDelete(route))))
                .as("deleting it again")
                .isEmpty();
        dp.linkDelete(dev);
    }

    @Test
    void aRouteViaAGatewayOnTheUnderlaySubnetIsListedAndDeleted() {
        KernelRoute route = new KernelRoute(p("10.99.3.0/24"), gateway4(), f.underlay(), false);

        assertThat(dp.apply(List.of(new RouteReplace(route)))).isEmpty();

        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(route);

        assertThat(dp.apply(List.of(new RouteDelete(route)))).isEmpty();

        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
    }

    @Test
    void routeReplaceChangesTheNextHopInPlace() {
        String dev = upVxlan4("wct.4221", 4221);
        KernelRoute viaUnderlay = new KernelRoute(p("10.99.4.0/24"), gateway4(), f.underlay(), false);
        KernelRoute viaVxlan = new KernelRoute(p("10.99.4.0/24"), ip("10.99.4.0"), dev, true);
        dp.apply(List.of(new RouteReplace(viaUnderlay)));

        assertThat(dp.apply(List.of(new RouteReplace(viaVxlan)))).isEmpty();

        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(viaVxlan);
        dp.apply(List.of(new RouteDelete(viaVxlan)));
        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
        dp.linkDelete(dev);
    }

    @Test
    void aRouteWhoseGatewayIsNotOnTheDevicesSubnetFails() {
        KernelRoute route = new KernelRoute(p("10.99.5.0/24"), ip("203.0.113.9"), f.underlay(), false);

        List<ChangeFailure> failures = dp.apply(List.of(new RouteReplace(route)));

        assertThat(failures).singleElement().satisfies(failure -> {
            assertThat(failure.change()).isEqualTo(new RouteReplace(route));
            assertThat(failure.reason()).isNotBlank();
        });
        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
    }

    @Test
    void aRouteThroughAMissingDeviceFails() {
        KernelRoute route = new KernelRoute(p("10.99.6.0/24"), ip("10.99.6.0"), "wct.none", true);

        assertThat(dp.apply(List.of(new RouteReplace(route))))
                .extracting(ChangeFailure::change)
                .containsExactly(new RouteReplace(route));
        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
    }

    @Test
    void anOnlinkRouteThroughADeviceThatIsDownFails() {
        dp.vxlanAdd(vxlan4("wct.4222", 4222));
        KernelRoute route = new KernelRoute(p("10.99.7.0/24"), ip("10.99.7.0"), "wct.4222", true);

        assertThat(dp.apply(List.of(new RouteReplace(route)))).hasSize(1);

        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
        dp.linkDelete("wct.4222");
    }

    @Test
    void ipv6RoutesOnlinkAndViaAGatewayAreListedAndDeleted() {
        String dev = upVxlan6("wct6.4223", 4223);
        KernelRoute onlink = new KernelRoute(p("fd00:99:2::/64"), ip("fd00:99:2::"), dev, true);
        KernelRoute viaGateway = new KernelRoute(p("fd00:99:3::/64"), gateway6(), f.underlay(), false);

        assertThat(dp.apply(List.of(new RouteReplace(onlink), new RouteReplace(viaGateway))))
                .isEmpty();

        assertThat(dp.routeList(IpFamily.IPV6)).containsExactlyInAnyOrder(onlink, viaGateway);
        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();

        assertThat(dp.apply(List.of(new RouteDelete(onlink), new RouteDelete(viaGateway))))
                .isEmpty();

        assertThat(dp.routeList(IpFamily.IPV6)).isEmpty();
        dp.linkDelete(dev);
    }

    @Test
    void anIpv6RouteWhoseGatewayIsNotOnTheDevicesSubnetFails() {
        KernelRoute route = new KernelRoute(p("fd00:99:4::/64"), ip("2001:db8:ffff::9"), f.underlay(), false);

        assertThat(dp.apply(List.of(new RouteReplace(route)))).hasSize(1);

        assertThat(dp.routeList(IpFamily.IPV6)).isEmpty();
    }

    // ---- neighbours and fdb --------------------------------------------------------------

    @Test
    void neighboursAreReplacedListedAndDeleted() {
        String dev = upVxlan4("wct.4230", 4230);
        KernelNeighbour first = new KernelNeighbour(ip("10.99.8.0"), MAC_A, dev);
        KernelNeighbour moved = new KernelNeighbour(ip("10.99.8.0"), MAC_B, dev);

        assertThat(dp.apply(List.of(new NeighbourReplace(first)))).isEmpty();
        assertThat(dp.neighbourList(dev, IpFamily.IPV4)).containsExactly(first);

        assertThat(dp.apply(List.of(new NeighbourReplace(moved)))).isEmpty();
        assertThat(dp.neighbourList(dev, IpFamily.IPV4)).containsExactly(moved);
        assertThat(dp.neighbourList(dev, IpFamily.IPV6)).isEmpty();

        assertThat(dp.apply(List.of(new NeighbourDelete(moved)))).isEmpty();

        assertThat(dp.neighbourList(dev, IpFamily.IPV4)).isEmpty();
        assertThat(dp.apply(List.of(new NeighbourDelete(moved))))
                .as("deleting it again")
                .isEmpty();
        dp.linkDelete(dev);
    }

    @Test
    void fdbEntriesAreReplacedListedAndDeleted() {
        String dev = upVxlan4("wct.4231", 4231);
        KernelFdbEntry first = new KernelFdbEntry(MAC_B, gateway4(), dev);
        KernelFdbEntry moved = new KernelFdbEntry(MAC_B, ip("198.51.100.20"), dev);

        assertThat(dp.apply(List.of(new FdbReplace(first)))).isEmpty();
        assertThat(dp.fdbList(dev)).containsExactly(first);

        assertThat(dp.apply(List.of(new FdbReplace(moved)))).isEmpty();
        assertThat(dp.fdbList(dev)).containsExactly(moved);

        assertThat(dp.apply(List.of(new FdbDelete(moved)))).isEmpty();

        assertThat(dp.fdbList(dev)).isEmpty();
        assertThat(dp.apply(List.of(new FdbDelete(moved))))
                .as("deleting it again")
                .isEmpty();
        dp.linkDelete(dev);
    }

    @Test
    void ipv6NeighboursAndFdbEntriesLiveOnTheIpv6Device() {
        String dev = upVxlan6("wct6.4232", 4232);
        KernelNeighbour neighbour = new KernelNeighbour(ip("fd00:99:5::"), MAC_A, dev);
        KernelFdbEntry entry = new KernelFdbEntry(MAC_A, gateway6(), dev);

        assertThat(dp.apply(List.of(new NeighbourReplace(neighbour), new FdbReplace(entry))))
                .isEmpty();

        assertThat(dp.neighbourList(dev, IpFamily.IPV6)).containsExactly(neighbour);
        assertThat(dp.neighbourList(dev, IpFamily.IPV4)).isEmpty();
        assertThat(dp.fdbList(dev)).containsExactly(entry);

        assertThat(dp.apply(List.of(new NeighbourDelete(neighbour), new FdbDelete(entry))))
                .isEmpty();

        assertThat(dp.neighbourList(dev, IpFamily.IPV6)).isEmpty();
        assertThat(dp.fdbList(dev)).isEmpty();
        dp.linkDelete(dev);
    }

    // ---- batches and cascades ------------------------------------------------------------

    @Test
    void oneFailingChangeInABatchDoesNotStopTheOthers() {
        String dev = upVxlan4("wct.4240", 4240);
        KernelNeighbour neighbour = new KernelNeighbour(ip("10.99.9.0"), MAC_A, dev);
        KernelFdbEntry entry = new KernelFdbEntry(MAC_A, gateway4(), dev);
        KernelRoute bad = new KernelRoute(p("10.99.10.0/24"), ip("10.99.10.0"), "wct.none", true);
        KernelRoute good = new KernelRoute(p("10.99.9.0/24"), ip("10.99.9.0"), dev, true);

        List<ChangeFailure> failures = dp.apply(List.of(
                new NeighbourReplace(neighbour), new RouteReplace(bad), new FdbReplace(entry), new RouteReplace(good)));

        assertThat(failures).extracting(ChangeFailure::change).containsExactly(new RouteReplace(bad));
        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(good);
        assertThat(dp.neighbourList(dev, IpFamily.IPV4)).containsExactly(neighbour);
        assertThat(dp.fdbList(dev)).containsExactly(entry);
        dp.linkDelete(dev);
        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
    }

    @Test
    void anEmptyBatchChangesNothing() {
        assertThat(dp.apply(List.of())).isEmpty();

        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
        assertThat(dp.routeList(IpFamily.IPV6)).isEmpty();
    }

    @Test
    void deletingALinkRemovesItsRoutesNeighboursAndFdbEntries() {
        String dev = upVxlan4("wct.4250", 4250);
        String dev6 = upVxlan6("wct6.4250", 4250);
        KernelRoute route = new KernelRoute(p("10.99.11.0/24"), ip("10.99.11.0"), dev, true);
        KernelRoute route6 = new KernelRoute(p("fd00:99:11::/64"), ip("fd00:99:11::"), dev6, true);
        KernelRoute elsewhere = new KernelRoute(p("10.99.12.0/24"), gateway4(), f.underlay(), false);
        dp.addressReplace(dev, p("10.99.1.0/32"));
        assertThat(dp.apply(List.of(
                        new RouteReplace(route),
                        new RouteReplace(route6),
                        new RouteReplace(elsewhere),
                        new NeighbourReplace(new KernelNeighbour(ip("10.99.11.0"), MAC_A, dev)),
                        new FdbReplace(new KernelFdbEntry(MAC_A, gateway4(), dev)))))
                .isEmpty();

        dp.linkDelete(dev);
        dp.linkDelete(dev6);

        assertThat(dp.routeList(IpFamily.IPV4)).containsExactly(elsewhere);
        assertThat(dp.routeList(IpFamily.IPV6)).isEmpty();
        // A device of the same name starts empty: nothing of the old one survived.
        dp.vxlanAdd(vxlan4(dev, 4250));
        assertThat(dp.neighbourList(dev, IpFamily.IPV4)).isEmpty();
        assertThat(dp.fdbList(dev)).isEmpty();
        assertThat(dp.addressList(dev, IpFamily.IPV4)).isEmpty();
        dp.linkDelete(dev);
        dp.apply(List.of(new RouteDelete(elsewhere)));
        assertThat(dp.routeList(IpFamily.IPV4)).isEmpty();
    }
}
