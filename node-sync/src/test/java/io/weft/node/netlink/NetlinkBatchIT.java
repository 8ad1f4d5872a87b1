package io.weft.node.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
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
import io.weft.node.dataplane.VxlanSpec;
import io.weft.testsupport.NetworkNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link NetlinkDataplane#apply} at flannel's scale in a fresh namespace: 1000 VXLAN peers (a
 * route, a neighbour and an FDB entry each) in one call, listed back and cross-checked with
 * {@code ip} and {@code bridge}, then deleted; plus weft's protocol fencing off other routes and
 * a failing change inside a batch.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetlinkBatchIT {

    private static final String DEVICE = "flannel.1";
    private static final int PEERS = 1000;

    private static NetworkNamespace namespace;
    private static NetlinkDataplane dataplane;

    @BeforeAll
    static void openDataplane() {
        namespace = TestNamespace.create();
        dataplane = NetlinkDataplane.openIn(namespace.file());
    }

    /** A fresh device per test: deleting it takes whatever a failed test left on it along. */
    @BeforeEach
    void createVxlanDevice() {
        dataplane.vxlanAdd(new VxlanSpec(
                DEVICE,
                1,
                TestNamespace.UNDERLAY_IPV4,
                TestNamespace.UNDERLAY,
                8472,
                false,
                false,
                1450,
                "0a:58:0a:f4:00:01"));
        dataplane.addressReplace(DEVICE, IpPrefix.parse("10.244.0.0/32"));
        dataplane.linkSetUp(DEVICE);
    }

    @AfterEach
    void deleteVxlanDevice() {
        dataplane.linkDelete(DEVICE);
    }

    @AfterAll
    static void deleteNamespace() {
        if (dataplane != null) {
            dataplane.close();
        }
        if (namespace != null) {
            namespace.close();
        }
    }

    /** Peer i: subnet 10.(100 + i / 256).(i % 256).0/24, VTEP MAC 02:00:00:00:HI:LO, public IP 172.16.HI.LO. */
    private record Peer(KernelRoute route, KernelNeighbour neighbour, KernelFdbEntry fdb) {

        static Peer number(int i) {
            IpPrefix subnet = IpPrefix.parse("10." + (100 + i / 256) + "." + (i % 256) + ".0/24");
            String mac = String.format("02:00:00:00:%02x:%02x", i / 256, i % 256);
            IpAddress publicIp = IpAddress.parse("172.16." + (i / 256) + "." + (i % 256));
            return new Peer(
                    new KernelRoute(subnet, subnet.address(), DEVICE, true),
                    new KernelNeighbour(subnet.address(), mac, DEVICE),
                    new KernelFdbEntry(mac, publicIp, DEVICE));
        }
    }

    @Test
    void aThousandPeersAreAppliedInOneCallListedAndDeleted() {
        List<Peer> peers = new ArrayList<>();
        List<KernelChange> replaces = new ArrayList<>();
        List<KernelChange> deletes = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            Peer peer = Peer.number(i);
            peers.add(peer);
            replaces.addAll(List.of(
                    new NeighbourReplace(peer.neighbour()),
                    new FdbReplace(peer.fdb()),
                    new RouteReplace(peer.route())));
            deletes.addAll(List.of(
                    new RouteDelete(peer.route()), new NeighbourDelete(peer.neighbour()), new FdbDelete(peer.fdb())));
        }
        NetlinkSocket socket = dataplane.requestSocket();
        long sendsBefore = socket.sendCalls();
        long receivesBefore = socket.receiveCalls();
        long start = System.nanoTime();

        List<ChangeFailure> failures = dataplane.apply(replaces);

        long micros = (System.nanoTime() - start) / 1000;
        long sends = socket.sendCalls() - sendsBefore;
        long receives = socket.receiveCalls() - receivesBefore;
        System.out.printf(
                "apply(%d changes): %d sendto + %d recvmmsg/recvfrom (incl. 1 device lookup), %d us%n",
                replaces.size(), sends, receives, micros);
        assertThat(failures).isEmpty();
        assertThat(sends).as("sendto calls for %d changes", replaces.size()).isLessThanOrEqualTo(8);
        assertThat(receives).as("receive calls for %d acks", replaces.size()).isLessThanOrEqualTo(40);

        assertThat(dataplane.routeList(IpFamily.IPV4))
                .containsExactlyInAnyOrderElementsOf(
                        peers.stream().map(Peer::route).toList());
        assertThat(dataplane.neighbourList(DEVICE, IpFamily.IPV4))
                .containsExactlyInAnyOrderElementsOf(
                        peers.stream().map(Peer::neighbour).toList());
        assertThat(dataplane.fdbList(DEVICE))
                .containsExactlyInAnyOrderElementsOf(
                        peers.stream().map(Peer::fdb).toList());
        assertThat(namespace.ip("-4", "route", "show", "proto", "0x77").lines().map(String::strip))
                .hasSize(PEERS)
                .contains(
                        "10.100.0.0/24 via 10.100.0.0 dev flannel.1 onlink",
                        "10.103.231.0/24 via 10.103.231.0 dev flannel.1 onlink");
        assertThat(namespace
                        .ip("neigh", "show", "dev", DEVICE, "nud", "permanent")
                        .lines()
                        .map(String::strip))
                .hasSize(PEERS)
                .contains("10.103.231.0 lladdr 02:00:00:00:03:e7 PERMANENT");
        assertThat(namespace
                        .bridge("fdb", "show", "dev", DEVICE)
                        .lines()
                        .map(String::strip)
                        .filter(line -> line.contains(" dst ")))
                .hasSize(PEERS)
                .contains("02:00:00:00:03:e7 dst 172.16.3.231 self permanent");

        assertThat(dataplane.apply(deletes)).isEmpty();

        assertThat(dataplane.routeList(IpFamily.IPV4)).isEmpty();
        assertThat(dataplane.neighbourList(DEVICE, IpFamily.IPV4)).isEmpty();
        assertThat(dataplane.fdbList(DEVICE)).isEmpty();
        assertThat(namespace.ip("-4", "route", "show", "proto", "0x77")).isBlank();
        assertThat(namespace.bridge("fdb", "show", "dev", DEVICE)).doesNotContain(" dst ");
    }

    @Test
    void routesOfOtherProtocolsAreNeverListedOrDeleted() {
        namespace.ip(
                "route",
                "add",
                "10.250.0.0/24",
                "via",
                "192.168.77.2",
                "dev",
                TestNamespace.UNDERLAY,
                "proto",
                "static");
        KernelRoute lookalike = new KernelRoute(
                IpPrefix.parse("10.250.0.0/24"), IpAddress.parse("192.168.77.2"), TestNamespace.UNDERLAY, false);
        try {
            assertThat(dataplane.routeList(IpFamily.IPV4)).isEmpty();

            assertThat(dataplane.apply(List.of(new RouteDelete(lookalike))))
                    .as("nothing of weft's to delete")
                    .isEmpty();

            assertThat(namespace.ip("route", "show", "10.250.0.0/24"))
                    .contains("10.250.0.0/24 via 192.168.77.2 dev weft0 proto static");
            assertThat(dataplane.routeList(IpFamily.IPV4)).isEmpty();
        } finally {
            namespace.ip("route", "del", "10.250.0.0/24");
        }
    }

    @Test
    void anUnreachableGatewayFailsWithTheKernelsTextWhileTheRestOfTheBatchSucceeds() {
        Peer before = Peer.number(1);
        Peer after = Peer.number(2);
        KernelRoute unreachable =
                new KernelRoute(IpPrefix.parse("10.99.0.0/24"), IpAddress.parse("10.99.0.0"), DEVICE, false);
        List<KernelChange> batch = List.of(
                new RouteReplace(before.route()),
                new NeighbourReplace(before.neighbour()),
                new RouteReplace(unreachable),
                new FdbReplace(after.fdb()),
                new RouteReplace(after.route()));

        List<ChangeFailure> failures = dataplane.apply(batch);

        assertThat(failures)
                .containsExactly(
                        new ChangeFailure(
                                new RouteReplace(unreachable),
                                "route replace 10.99.0.0/24 via 10.99.0.0 dev flannel.1: Nexthop has invalid gateway (ENETUNREACH)"));
        assertThat(dataplane.routeList(IpFamily.IPV4)).containsExactlyInAnyOrder(before.route(), after.route());
        assertThat(dataplane.neighbourList(DEVICE, IpFamily.IPV4)).containsExactly(before.neighbour());
        assertThat(dataplane.fdbList(DEVICE)).containsExactly(after.fdb());

        assertThat(dataplane.apply(List.of(
                        new RouteDelete(before.route()),
                        new NeighbourDelete(before.neighbour()),
                        new FdbDelete(after.fdb()),
                        new RouteDelete(after.route()),
                        new RouteDelete(unreachable))))
                .isEmpty();
        assertThat(dataplane.routeList(IpFamily.IPV4)).isEmpty();
    }
}
