package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.etcd.testing.EtcdExtension;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The lease map page in a real headless Chromium, against a real allocator over a real etcd:
 * it shows every lease, follows acquisitions and releases made through plain gRPC without a
 * reload, and draws an IPv6 space of 2^32 subnets as blocks that zoom down to single subnets.
 * Screenshots land in target/lease-map.
 */
@Timeout(180)
class LeaseMapPageIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration LIVE = Duration.ofSeconds(20);

    private AllocatorFixture fixture;
    private AllocatorServer server;
    private LeaseServiceGrpc.LeaseServiceBlockingStub leases;
    private HeadlessChromium browser;

    @BeforeEach
    void start() throws Exception {
        fixture = new AllocatorFixture(ETCD.endpoints());
        server = AllocatorServer.builder()
                .etcdEndpoints(ETCD.endpoints())
                .etcdPrefix(fixture.prefix)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .httpListen(new InetSocketAddress("127.0.0.1", 0))
                .reuseQuarantine(Duration.ZERO)
                .start();
        fixture.adopt(server);
        leases = fixture.leases(server);
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        fixture.close();
    }

    @Test
    void showsEveryLeaseAndFollowsAcquisitionsAndReleasesWithoutReload() throws Exception {
        fixture.setConfig(server, "{\"Network\":\"10.70.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        List<Lease> held = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            held.add(leases.acquireLease(AllocatorFixture.vxlanNode("map-node-" + i, "192.168.70." + i))
                    .getLease());
        }
        Lease reserved = leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.70.200.0/24")
                .setNodeName("map-reserved")
                .setPublicIp("192.168.70.200")
                .build());

        open();
        await().atMost(LIVE).until(() -> number("return weftMap.leaseCount()") == 13);
        assertThat(cellState("ipv4", reserved.getSubnet())).isEqualTo("reserved");
        for (Lease lease : held) {
            assertThat(cellState("ipv4", lease.getSubnet())).startsWith("leased-");
            assertThat(tableText()).contains(lease.getNodeName(), lease.getSubnet(), lease.getPublicIp());
        }
        assertThat(text("usage")).contains("12 leased", "1 reserved", "242 free of 255");

        Lease first = held.getFirst();
        hover(index("ipv4", first.getSubnet()));
        await().atMost(LIVE)
                .untilAsserted(() -> assertThat(text("tooltip"))
                        .contains("Node: " + first.getNodeName())
                        .contains("Public IP: " + first.getPublicIp())
                        .contains("VTEP MAC: " + first.getVxlan().getVtepMac())
                        .contains("Backend: vxlan")
                        .contains("How chosen: new"));
        screenshot("ipv4");

        Lease late = leases.acquireLease(AllocatorFixture.vxlanNode("map-late", "192.168.70.99"))
                .getLease();
        await().atMost(LIVE).untilAsserted(() -> {
            assertThat(cellState("ipv4", late.getSubnet())).startsWith("leased-");
            assertThat(tableText()).contains("map-late");
        });

        long lateCell = index("ipv4", late.getSubnet());
        leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setSubnet(late.getSubnet())
                .setNodeName("map-late")
                .build());
        await().atMost(LIVE).untilAsserted(() -> {
            assertThat(browser.script("return weftMap.cellState('ipv4', arguments[0])", lateCell))
                    .isEqualTo("free");
            assertThat(tableText()).doesNotContain("map-late");
            assertThat(text("usage")).contains("12 leased");
        });

        WebElement search = browser.driver.findElement(By.id("search"));
        search.sendKeys(first.getPublicIp());
        await().atMost(LIVE).untilAsserted(() -> {
            assertThat(text("search-result")).isEqualTo("1 match");
            assertThat(browser.driver.findElements(By.cssSelector("#leases tbody tr")))
                    .hasSize(1);
            assertThat(text("selected")).contains(first.getNodeName());
        });
        screenshot("ipv4-search");
    }

    @Test
    void aReleaseUnderTheReuseQuarantineShowsQuarantinedUntilItEnds() throws Exception {
        AllocatorServer quarantining = AllocatorServer.builder()
                .etcdEndpoints(ETCD.endpoints())
                .etcdPrefix(fixture.prefix + "-quarantine")
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .httpListen(new InetSocketAddress("127.0.0.1", 0))
                .reuseQuarantine(Duration.ofHours(1))
                .start();
        fixture.adopt(quarantining);
        fixture.setConfig(quarantining, "{\"Network\":\"10.71.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        var stub = fixture.leases(quarantining);
        Lease gone = stub.acquireLease(AllocatorFixture.vxlanNode("map-gone", "192.168.71.1"))
                .getLease();
        stub.acquireLease(AllocatorFixture.vxlanNode("map-stays", "192.168.71.2"));

        browser.driver.get("http://127.0.0.1:" + quarantining.httpPort() + "/");
        await().atMost(LIVE)
                .until(() -> Boolean.TRUE.equals(browser.script("return window.weftMap && weftMap.ready()")));
        await().atMost(LIVE).until(() -> number("return weftMap.leaseCount()") == 2);
        long goneCell = index("ipv4", gone.getSubnet());
        stub.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setSubnet(gone.getSubnet())
                .setNodeName("map-gone")
                .build());

        await().atMost(LIVE).untilAsserted(() -> {
            assertThat(browser.script("return weftMap.cellState('ipv4', arguments[0])", goneCell))
                    .isEqualTo("quarantined");
            assertThat(text("usage")).contains("1 leased", "1 quarantined", "253 free of 255");
        });
        hover(goneCell);
        await().atMost(LIVE)
                .untilAsserted(() -> assertThat(text("tooltip"))
                        .contains("Subnet: " + gone.getSubnet())
                        .contains("State: quarantined"));
        screenshot("ipv4-quarantined");
    }

    @Test
    void drawsAnIpv6SpaceOfTwoToThe32SubnetsAsBlocksAndZoomsToSingleSubnets() throws Exception {
        fixture.setConfig(
                server,
                "{\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPv6Network\":\"fd00:70::/32\","
                        + "\"IPv6SubnetLen\":64,\"Backend\":{\"Type\":\"host-gw\"}}");
        List<Lease> held = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            held.add(leases.acquireLease(AcquireLeaseRequest.newBuilder()
                            .setNodeName("map-v6-" + i)
                            .setPublicIpv6("fd99::" + i)
                            .setBackendType("host-gw")
                            .build())
                    .getLease());
        }

        open();
        await().atMost(LIVE).until(() -> number("return weftMap.leaseCount()") == 5);
        await().atMost(LIVE).until(() -> number("return weftMap.view().blocks") == 4096);
        @SuppressWarnings("unchecked")
        Map<String, Object> whole = (Map<String, Object>) browser.script("return weftMap.view()");
        assertThat(whole).containsEntry("aggregated", true).containsEntry("per", 1L << 20);
        assertThat(text("usage")).contains("5 leased", "of 4294967295");
        screenshot("ipv6-blocks");

        Lease lease = held.getFirst();
        long at = index("ipv6", lease.getIpv6Subnet());
        // Click the block holding the lease, then the block inside it, down to single subnets.
        long[] expectedPer = {256, 1};
        for (long per : expectedPer) {
            long block = (at - number("return weftMap.view().from")) / number("return weftMap.view().per");
            Object leasedInBlock = browser.script(
                    "return weftMap.blockCounts(arguments[0]).find(row => row[0] === 'Leased')[1]", block);
            assertThat(Long.parseLong((String) leasedInBlock)).isPositive();
            click(block);
            await().atMost(LIVE).until(() -> number("return weftMap.view().per") == per);
        }
        assertThat(browser.script("return weftMap.view().aggregated")).isEqualTo(false);
        assertThat(cellState("ipv6", lease.getIpv6Subnet())).startsWith("leased-");
        hover(at - number("return weftMap.view().from"));
        await().atMost(LIVE)
                .untilAsserted(() -> assertThat(text("tooltip"))
                        .contains("IPv6 subnet: " + lease.getIpv6Subnet())
                        .contains("Node: map-v6-1")
                        .contains("Public IPv6: fd99::1"));
        screenshot("ipv6-zoomed");
    }

    private void open() {
        browser.driver.get("http://127.0.0.1:" + server.httpPort() + "/");
        await().atMost(LIVE)
                .until(() -> Boolean.TRUE.equals(browser.script("return window.weftMap && weftMap.ready()")));
    }

    private String cellState(String family, String subnet) {
        return (String)
                browser.script("return weftMap.cellState(arguments[0], arguments[1])", family, index(family, subnet));
    }

    /** The subnet's index in its family's space, as the page numbers cells (0 at SubnetMin). */
    private long index(String family, String subnet) {
        Object found = browser.script(
                "const l = weftMap.leases().find(l => l.s4 === arguments[0] || l.s6 === arguments[0]);"
                        + " return l ? (arguments[1] === 'ipv6' ? l.i6 : l.i4) : -1;",
                subnet,
                family);
        long index = ((Number) found).longValue();
        assertThat(index).as("index of %s on the page", subnet).isNotNegative();
        return index;
    }

    private void hover(long cell) {
        moveTo(cell, false);
    }

    private void click(long cell) {
        moveTo(cell, true);
    }

    private void moveTo(long cell, boolean click) {
        WebElement canvas = browser.driver.findElement(By.id("map"));
        @SuppressWarnings("unchecked")
        Map<String, Object> center =
                (Map<String, Object>) browser.script("return weftMap.cellCenter(arguments[0])", cell);
        int x = (int) Math.round(
                ((Number) center.get("x")).doubleValue() - canvas.getSize().getWidth() / 2.0);
        int y = (int) Math.round(
                ((Number) center.get("y")).doubleValue() - canvas.getSize().getHeight() / 2.0);
        Actions actions = new Actions(browser.driver).moveToElement(canvas, x, y);
        (click ? actions.click() : actions).perform();
    }

    private long number(String script) {
        return ((Number) browser.script(script)).longValue();
    }

    private String text(String id) {
        return browser.driver.findElement(By.id(id)).getDomProperty("textContent");
    }

    private String tableText() {
        return text("leases");
    }

    private void screenshot(String name) throws Exception {
        Path shot = browser.screenshot(name);
        assertThat(Files.size(shot)).isPositive();
    }
}
