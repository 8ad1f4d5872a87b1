package io.weft.node.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.DataplaneException;
import io.weft.node.dataplane.KernelChange.RouteReplace;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkEvent;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.VxlanSpec;
import io.weft.testsupport.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Links, addresses and watchers of {@link NetlinkDataplane} in a fresh network namespace, each
 * cross-checked with what {@code ip} reports: add, list, assert, delete, list empty.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetlinkDataplaneIT {

    private static final String MAC = "0a:58:0a:f4:01:01";
    private static final String MAC6 = "0a:58:0a:f4:01:02";

    private static NetworkNamespace namespace;
    private NetlinkDataplane dataplane;

    @BeforeAll
    static void createNamespace() {
        namespace = TestNamespace.create();
    }

    @AfterAll
    static void deleteNamespace() {
        if (namespace != null) {
            namespace.close();
            assertThat(namespace.file()).doesNotExist();
        }
    }

    @BeforeEach
    void openDataplane() {
        dataplane = NetlinkDataplane.openIn(namespace.file());
    }

    @AfterEach
    void closeDataplane() {
        dataplane.close();
    }

    private int underlayIndex() {
        return dataplane.linkByName(TestNamespace.UNDERLAY).orElseThrow().index();
    }

    @Test
    void theSocketWorksInItsNamespaceWhileTheCallingThreadStaysInItsOwn() throws Exception {
        Path ownNamespace = Path.of("/proc/thread-self/ns/net");
        String before = Files.readSymbolicLink(ownNamespace).toString();

        try (NetlinkDataplane host = NetlinkDataplane.open()) {
            assertThat(dataplane.linkByName(TestNamespace.UNDERLAY)).isPresent();
            assertThat(host.linkByName(TestNamespace.UNDERLAY))
                    .as("weft0 exists in the test namespace only")
                    .isEmpty();
        }
        assertThat(Files.readSymbolicLink(ownNamespace).toString()).isEqualTo(before);
    }

    @Test
    void aMissingNamespaceFileIsReportedWithItsPath() {
        assertThatThrownBy(() -> NetlinkDataplane.openIn(Path.of("/var/run/netns/weft-test-missing")))
                .isInstanceOfSatisfying(DataplaneException.class, e -> {
                    assertThat(e.errno()).isEqualTo(2);
                    assertThat(e.getMessage())
                            .isEqualTo("open network namespace /var/run/netns/weft-test-missing: "
                                    + "No such file or directory (ENOENT)");
                });
    }

    @Test
    void anIpv4VxlanDeviceIsCreatedWithEveryAttributeAndParsedBack() {
        VxlanSpec spec = new VxlanSpec(
                "flannel.1", 1, TestNamespace.UNDERLAY_IPV4, TestNamespace.UNDERLAY, 4789, false, true, 1400, MAC);

        LinkInfo created = dataplane.vxlanAdd(spec);

        LinkInfo found = dataplane.linkByName("flannel.1").orElseThrow();
        assertThat(found).isEqualTo(created);
        assertThat(found.kind()).isEqualTo("vxlan");
        assertThat(found.mac()).isEqualTo(MAC);
        assertThat(found.mtu()).isEqualTo(1400);
        assertThat(found.up()).isFalse();
        assertThat(found.vxlan())
                .contains(new LinkInfo.VxlanAttributes(
                        1, 4789, TestNamespace.UNDERLAY_IPV4, underlayIndex(), false, true));
        String shown = namespace.ip("-d", "link", "show", "flannel.1");
        assertThat(shown)
                .contains(
                        "mtu 1400",
                        "link/ether " + MAC,
                        "vxlan id 1 local 192.168.77.1 dev weft0",
                        "dstport 4789",
                        "nolearning",
                        "gbp");

        dataplane.linkDelete("flannel.1");

        assertThat(dataplane.linkByName("flannel.1")).isEmpty();
        assertThat(namespace.tryIp("link", "show", "flannel.1").exitCode()).isNotZero();
    }

    @Test
    void anIpv6VxlanDeviceWithLearningAndTheDefaultPortIsParsedBack() {
        VxlanSpec spec = new VxlanSpec(
                "flannel-v6.1", 1, TestNamespace.UNDERLAY_IPV6, TestNamespace.UNDERLAY, 0, true, false, 0, MAC6);

        dataplane.vxlanAdd(spec);

        LinkInfo found = dataplane.linkByName("flannel-v6.1").orElseThrow();
        assertThat(found.mtu()).as("the kernel's default: underlay MTU - 70").isEqualTo(1500 - 70);
        assertThat(found.vxlan())
                .contains(new LinkInfo.VxlanAttributes(
                        1, 8472, TestNamespace.UNDERLAY_IPV6, underlayIndex(), true, false));
        String shown = namespace.ip("-d", "link", "show", "flannel-v6.1");
        assertThat(shown)
                .contains("vxlan id 1 local fd77::1 dev weft0", "dstport 8472")
                .doesNotContain("nolearning");

        dataplane.linkDelete("flannel-v6.1");

        assertThat(dataplane.linkByName("flannel-v6.1")).isEmpty();
    }

    @Test
    void kernelRefusalsNameTheOperationTheObjectAndTheErrno() {
        VxlanSpec spec = new VxlanSpec(
                "flannel.2", 2, TestNamespace.UNDERLAY_IPV4, TestNamespace.UNDERLAY, 8472, false, false, 1450, MAC);
        dataplane.vxlanAdd(spec);

        assertThatThrownBy(() -> dataplane.vxlanAdd(spec)).isInstanceOfSatisfying(DataplaneException.class, e -> {
            assertThat(e.errno()).isEqualTo(17);
            assertThat(e.getMessage())
                    .startsWith("link add flannel.2 address " + MAC + " mtu 1450 type vxlan id 2")
                    .endsWith("(EEXIST)");
        });
        assertThatThrownBy(() -> dataplane.vxlanAdd(new VxlanSpec(
                        "flannel.3", 3, TestNamespace.UNDERLAY_IPV4, "eth-none", 8472, false, false, 1450, MAC)))
                .isInstanceOfSatisfying(DataplaneException.class, e -> {
                    assertThat(e.errno()).isEqualTo(19);
                    assertThat(e.getMessage()).endsWith(": Cannot find device \"eth-none\" (ENODEV)");
                });
        dataplane.linkDelete("flannel.2");
    }

    @Test
    void setUpBringsTheDeviceUp() {
        dataplane.vxlanAdd(new VxlanSpec(
                "flannel.4", 4, TestNamespace.UNDERLAY_IPV4, TestNamespace.UNDERLAY, 8472, false, false, 1450, MAC));

        dataplane.linkSetUp("flannel.4");

        assertThat(dataplane.linkByName("flannel.4").orElseThrow().up()).isTrue();
        assertThat(namespace.ip("link", "show", "flannel.4")).containsPattern("<[A-Z,_]*\\bUP\\b");
        dataplane.linkDelete("flannel.4");
    }

    @Test
    void addressesAreReplacedListedAndDeleted() {
        dataplane.vxlanAdd(new VxlanSpec(
                "flannel.5", 5, TestNamespace.UNDERLAY_IPV4, TestNamespace.UNDERLAY, 8472, false, false, 1450, MAC));
        IpPrefix v4 = IpPrefix.parse("10.244.1.0/32");
        IpPrefix v6 = IpPrefix.parse("fd00:12:13:1::/128");

        dataplane.addressReplace("flannel.5", v4);
        dataplane.addressReplace("flannel.5", v4);
        dataplane.addressReplace("flannel.5", v6);

        assertThat(dataplane.addressList("flannel.5", IpFamily.IPV4)).containsExactly(v4);
        assertThat(dataplane.addressList("flannel.5", IpFamily.IPV6)).containsExactly(v6);
        assertThat(namespace.ip("addr", "show", "dev", "flannel.5"))
                .contains("inet 10.244.1.0/32", "inet6 fd00:12:13:1::/128");
        assertThat(dataplane.addressList(TestNamespace.UNDERLAY, IpFamily.IPV4))
                .as("192.168.77.1/24 has host bits set and cannot be an IpPrefix")
                .isEmpty();

        dataplane.addressDelete("flannel.5", v4);
        dataplane.addressDelete("flannel.5", v4);
        dataplane.addressDelete("flannel.5", v6);

        assertThat(dataplane.addressList("flannel.5", IpFamily.IPV4)).isEmpty();
        assertThat(dataplane.addressList("flannel.5", IpFamily.IPV6)).isEmpty();
        assertThat(namespace.ip("addr", "show", "dev", "flannel.5")).doesNotContain("inet");
        dataplane.linkDelete("flannel.5");
    }

    @Test
    @SuppressWarnings("try") // the watch only has to be open
    void theLinkWatcherSeesADeviceAddedAndDeleted() throws Exception {
        BlockingQueue<LinkEvent> events = new LinkedBlockingQueue<>();
        try (AutoCloseable watch = dataplane.watchLinks(events::add)) {
            LinkInfo created = dataplane.vxlanAdd(new VxlanSpec(
                    "flannel.6",
                    6,
                    TestNamespace.UNDERLAY_IPV4,
                    TestNamespace.UNDERLAY,
                    8472,
                    false,
                    false,
                    1450,
                    MAC));
            dataplane.linkSetUp("flannel.6");
            namespace.ip("link", "del", "flannel.6");

            assertThat(next(events, e -> e.index() == created.index()))
                    .isEqualTo(new LinkEvent(LinkEvent.Change.ADDED, "flannel.6", created.index(), false));
            assertThat(next(events, e -> e.index() == created.index() && e.up()).change())
                    .isEqualTo(LinkEvent.Change.CHANGED);
            assertThat(next(events, e -> e.change() == LinkEvent.Change.REMOVED))
                    .isEqualTo(new LinkEvent(LinkEvent.Change.REMOVED, "flannel.6", created.index(), false));
        }
    }

    @Test
    @SuppressWarnings("try")
    void theRouteWatcherSeesWeftsRoutesOnly() throws Exception {
        BlockingQueue<RouteEvent> events = new LinkedBlockingQueue<>();
        IpAddress gateway = IpAddress.parse("192.168.77.2");
        KernelRoute route = new KernelRoute(IpPrefix.parse("10.244.9.0/24"), gateway, TestNamespace.UNDERLAY, false);
        try (AutoCloseable watch = dataplane.watchRoutes(events::add, () -> {})) {
            namespace.ip("route", "add", "10.244.8.0/24", "via", "192.168.77.2", "proto", "static");
            assertThat(dataplane.apply(List.of(new RouteReplace(route)))).isEmpty();
            namespace.ip("route", "del", "10.244.9.0/24", "proto", "0x77");

            RouteEvent added = events.poll(10, TimeUnit.SECONDS);
            RouteEvent removed = events.poll(10, TimeUnit.SECONDS);

            assertThat(added)
                    .isEqualTo(new RouteEvent(
                            RouteEvent.Change.ADDED, route.destination(), gateway, underlayIndex(), false));
            assertThat(removed.change()).isEqualTo(RouteEvent.Change.REMOVED);
            assertThat(removed.destination()).isEqualTo(route.destination());
            assertThat(events).isEmpty();
        } finally {
            namespace.ip("route", "del", "10.244.8.0/24");
        }
    }

    /** The next event matching, skipping others; fails after 10 s. */
    private static LinkEvent next(BlockingQueue<LinkEvent> events, Predicate<LinkEvent> wanted)
            throws InterruptedException {
        while (true) {
            LinkEvent event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("a link event within 10 s").isNotNull();
            if (wanted.test(event)) {
                return event;
            }
        }
    }
}
