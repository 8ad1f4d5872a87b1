package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.ip;
import static io.weft.node.backend.TestCluster.p;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.MacAddress;
import io.weft.node.dataplane.MemoryDataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random peer sets (with malformed leases, MAC clashes, DirectRouting and IPv6 mixed in) and
 * random stale weft objects, reconciled on the memory kernel step after step: each pass reaches
 * the desired state, makes only necessary changes, never touches other devices' objects, and a
 * second pass changes nothing. Run again with {@code -Dweft.test.seed=N} to replay a failure.
 */
@Timeout(60)
class ReconcilerPropertyTest {

    private static final long SEED = Long.getLong("weft.test.seed", System.nanoTime());
    private static final int KERNELS = 30;
    private static final int STEPS = 12;

    private final Random random = new Random(SEED);
    private final VxlanBackend backend = new VxlanBackend();

    @Test
    void everyPassConvergesMinimallyAndTheNextChangesNothing() throws BackendException {
        for (int kernel = 0; kernel < KERNELS; kernel++) {
            NetworkConfig network = TestCluster.vxlan(random.nextBoolean(), random.nextBoolean());
            NodeContext self = TestCluster.self(network);
            MemoryDataplane dp = new MemoryDataplane();
            dp.addUnderlay("eth0", p("192.168.77.0/24"), p("fd00:77::/64"));
            backend.prepare(self.host(), dp);
            backend.activate(self, dp);
            ForeignObjects foreign = ForeignObjects.install(dp);

            for (int step = 0; step < STEPS; step++) {
                String where = "seed " + SEED + " kernel " + kernel + " step " + step;
                if (random.nextInt(3) == 0) {
                    addStaleObjects(dp, network.enableIPv6());
                }
                DesiredState desired = backend.desired(self, PeerLease.of(randomPeers(network)));
                KernelState before = KernelState.read(dp, desired.devices());

                Reconciler.Summary first = Reconciler.reconcile(dp, desired);

                assertThat(first.failures()).as(where).isEmpty();
                assertThat(KernelState.read(dp, desired.devices()))
                        .as(where)
                        .isEqualTo(new KernelState(desired.routes(), desired.neighbours(), desired.fdb()));
                assertThat(first.changes())
                        .as("%s: only necessary changes", where)
                        .isEqualTo(necessaryChanges(desired, before));
                foreign.assertIntact(dp, where);

                dp.clearRecording();
                Reconciler.Summary second = Reconciler.reconcile(dp, desired);

                assertThat(second.changes()).as(where).isZero();
                assertThat(dp.untouched()).as(where).isTrue();
            }
        }
    }

    /** Objects that are not weft's: a neighbour on the underlay, entries on a device weft does not own. */
    private record ForeignObjects(KernelNeighbour neighbour, KernelFdbEntry fdb, KernelNeighbour otherDevice) {

        static ForeignObjects install(MemoryDataplane dp) {
            dp.vxlanAdd(new VxlanSpec(
                    "vx-other", 99, TestCluster.SELF_IP, "eth0", 8472, false, false, 1450, "02:00:00:00:99:99"));
            ForeignObjects foreign = new ForeignObjects(
                    new KernelNeighbour(ip("192.168.77.50"), "0a:00:00:00:00:50", "eth0"),
                    new KernelFdbEntry("0a:00:00:00:00:51", ip("10.20.0.51"), "vx-other"),
                    new KernelNeighbour(ip("10.244.9.0"), "0a:00:00:00:00:52", "vx-other"));
            dp.apply(List.of(
                    new KernelChange.NeighbourReplace(foreign.neighbour),
                    new KernelChange.FdbReplace(foreign.fdb),
                    new KernelChange.NeighbourReplace(foreign.otherDevice)));
            return foreign;
        }

        void assertIntact(MemoryDataplane dp, String where) {
            assertThat(dp.neighbourList("eth0", IpFamily.IPV4)).as(where).containsExactly(neighbour);
            assertThat(dp.fdbList("vx-other")).as(where).containsExactly(fdb);
            assertThat(dp.neighbourList("vx-other", IpFamily.IPV4)).as(where).containsExactly(otherDevice);
        }
    }

    /**
     * How many changes the diff must make, by set arithmetic: every desired object not present as
     * it is, plus every present object whose identity nobody wants.
     */
    private static int necessaryChanges(DesiredState desired, KernelState before) {
        return missing(desired.routes(), before.routes())
                + missing(desired.neighbours(), before.neighbours())
                + missing(desired.fdb(), before.fdb())
                + unwanted(before.routes(), desired.routes(), KernelRoute::destination)
                + unwanted(before.neighbours(), desired.neighbours(), n -> List.of(n.device(), n.address()))
                + unwanted(before.fdb(), desired.fdb(), f -> List.of(f.device(), f.mac()));
    }

    private static <T> int missing(Set<T> desired, Set<T> present) {
        Set<T> missing = new HashSet<>(desired);
        missing.removeAll(present);
        return missing.size();
    }

    private static <T> int unwanted(Set<T> present, Set<T> desired, Function<T, Object> key) {
        Set<Object> wanted = desired.stream().map(key).collect(Collectors.toSet());
        return (int) present.stream()
                .filter(object -> !wanted.contains(key.apply(object)))
                .count();
    }

    private List<Lease> randomPeers(NetworkConfig network) {
        List<Lease> peers = new ArrayList<>();
        int count = random.nextInt(25);
        for (int i = 0; i < count; i++) {
            int n = 2 + random.nextInt(40); // few enough that subnets and node names repeat
            Lease.Builder peer = TestCluster.vxlanPeer(n, publicIp(n))
                    .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(randomMac()))
                    .setVxlanV6(VxlanBackendData.newBuilder().setVni(1).setVtepMac(randomMac()))
                    .setPublicIpv6((random.nextBoolean() ? "fd00:77::" : "fd00:78::") + Integer.toHexString(100 + n));
            switch (random.nextInt(12)) {
                case 0 -> peer.setBackendType("host-gw");
                case 1 -> peer.setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("not-a-mac"));
                case 2 -> peer.clearVxlanV6();
                case 3 -> peer.clearPublicIp();
                case 4 -> peer.setNodeName(""); // written by flanneld
                default -> {}
            }
            peers.add(peer.build());
        }
        if (random.nextBoolean()) {
            peers.add(TestCluster.ownLease(network));
        }
        return peers;
    }

    private String publicIp(int n) {
        return random.nextBoolean() ? "192.168.77." + (100 + n) : "10.20.0." + n;
    }

    /** A unicast MAC; one in eight comes from a pool of two, so peers sometimes clash. */
    private String randomMac() {
        if (random.nextInt(8) == 0) {
            return "0a:00:00:00:00:0" + (1 + random.nextInt(2));
        }
        byte[] mac = new byte[6];
        random.nextBytes(mac);
        mac[0] = (byte) ((mac[0] & 0xfe) | 0x02);
        return MacAddress.fromBytes(mac);
    }

    /** Weft objects a previous run may have left: routes, neighbours and FDB entries nobody may want. */
    private void addStaleObjects(MemoryDataplane dp, boolean ipv6) {
        List<KernelChange> stale = new ArrayList<>();
        for (int i = random.nextInt(4); i >= 0; i--) {
            int n = 2 + random.nextInt(60);
            String mac = randomMac();
            stale.add(new KernelChange.RouteReplace(
                    new KernelRoute(p("10.244." + n + ".0/24"), ip("10.244." + n + ".0"), "flannel.1", true)));
            stale.add(
                    new KernelChange.NeighbourReplace(new KernelNeighbour(ip("10.244." + n + ".0"), mac, "flannel.1")));
            stale.add(new KernelChange.FdbReplace(new KernelFdbEntry(mac, ip("10.20.1." + n), "flannel.1")));
            if (ipv6) {
                String hex = Integer.toHexString(n);
                stale.add(new KernelChange.RouteReplace(
                        new KernelRoute(p("fd00:10:244:" + hex + "::/64"), ip("fd00:77::" + hex), "eth0", false)));
            }
        }
        assertThat(dp.apply(stale)).as("seed %d: stale objects", SEED).isEmpty();
    }
}
