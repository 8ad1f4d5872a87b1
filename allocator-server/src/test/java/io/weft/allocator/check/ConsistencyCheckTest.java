package io.weft.allocator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.HostAddress;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.NodeClaim;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.VtepData;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each rule of the check proven on crafted input: the problem it must find, and what it must not flag. */
@Timeout(10)
class ConsistencyCheckTest {

    private static final String CONFIG = """
            {"Network":"10.244.0.0/16","SubnetMin":"10.244.1.0","SubnetMax":"10.244.200.0",\
            "Backend":{"Type":"vxlan"}}""";
    private static final long BUCKET = 3 * 3600 + 60;
    private static final long ETCD_LEASE = 0x7f01;
    private static final KeyLayout LAYOUT = new KeyLayout(KeyLayout.DEFAULT_PREFIX);

    private final List<StoredLease> leases = new ArrayList<>();
    private final List<StoreEvent.Skipped> skipped = new ArrayList<>();
    private final List<NodeClaim> claims = new ArrayList<>();
    private final List<AddressClaim> addresses = new ArrayList<>();
    private Optional<StoredConfig> config = Optional.of(new StoredConfig(CONFIG, 1));
    private EtcdLeaseFacts facts = facts(Map.of(), List.of());

    @Test
    void aHealthyNetworkHasNoProblem() {
        lease("10.244.1.0/24", "node-a", "192.168.0.1", "aa:00:00:00:00:01");
        lease("10.244.2.0/24", "node-b", "192.168.0.2", "aa:00:00:00:00:02");
        reservation("10.244.3.0/24", "node-c", "192.168.0.3");
        claimsOf(leases.get(0));
        claimsOf(leases.get(1));
        facts = facts(Map.of(ETCD_LEASE, 100L), List.of(new EtcdLeaseFacts.KeylessLease(0x99, BUCKET, 50)));

        assertThat(problems()).isEmpty();
    }

    @Test
    void noConfigAndABadConfigAreReported() {
        config = Optional.empty();
        assertThat(kinds()).containsExactly(ProblemKind.NO_CONFIG);

        config = Optional.of(new StoredConfig("{\"Network\":\"10.0.0.0/40\"}", 1));
        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.NO_CONFIG);
            assertThat(p.detail()).contains("not valid");
        });
    }

    @Test
    void twoKeysForOneNodeAreReportedOnce() {
        lease("10.244.1.0/24", "node-a", "192.168.0.1", "aa:00:00:00:00:01");
        claimsOf(lease("10.244.9.0/24", "node-a", "192.168.0.9", "aa:00:00:00:00:09"));

        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.DUPLICATE_NODE);
            assertThat(p.nodes()).containsExactly("node-a");
            assertThat(p.detail()).contains("10.244.1.0/24", "10.244.9.0/24");
            assertThat(p.action()).startsWith("its claim names 10.244.9.0/24: keep that one");
        });
    }

    @Test
    void aPublicIpOrVtepMacOnTwoLeasesIsReportedWhateverItsSpelling() {
        lease("10.244.1.0/24", "node-a", "192.168.0.1", "aa:00:00:00:00:01");
        lease("10.244.2.0/24", "node-b", "192.168.0.1", "AA-00-00-00-00-01");
        lease("10.244.3.0/24", "", "192.168.0.3", "");

        List<Problem> found = problems();
        assertThat(found).extracting(Problem::kind).containsOnly(ProblemKind.DUPLICATE_ADDRESS);
        assertThat(found).extracting(Problem::subject).containsExactlyInAnyOrder("192.168.0.1", "aa:00:00:00:00:01");
        assertThat(found).allSatisfy(p -> assertThat(p.nodes()).containsExactly("node-a", "node-b"));
    }

    @Test
    void leasesOutsideTheNetworkOrItsRangeAreReported() {
        lease("10.99.1.0/24", "node-a", "192.168.0.1", "");
        lease("10.244.250.0/24", "node-b", "192.168.0.2", "");
        lease("10.244.0.0/24", "node-c", "192.168.0.3", "");
        lease("10.244.4.0/25", "node-d", "192.168.0.4", "");
        lease("10.244.5.0/24", "node-e", "192.168.0.5", "");

        assertThat(problems())
                .extracting(Problem::kind, Problem::subject)
                .containsExactlyInAnyOrder(
                        tuple(ProblemKind.OUTSIDE_NETWORK, "10.99.1.0/24"),
                        tuple(ProblemKind.OUTSIDE_RANGE, "10.244.250.0/24"),
                        tuple(ProblemKind.OUTSIDE_RANGE, "10.244.0.0/24"),
                        tuple(ProblemKind.OUTSIDE_RANGE, "10.244.4.0/25"));
    }

    @Test
    void overlapsAreReportedAndAReservationNamedAsSuch() {
        reservation("10.244.2.0/23", "node-r", "");
        lease("10.244.3.0/24", "node-a", "192.168.0.1", "");
        lease("10.244.8.0/24", "node-b", "192.168.0.2", "");
        leases.add(new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse("10.244.8.128/25")),
                new LeaseValue("192.168.0.3", "", "vxlan", null, null, "node-c"),
                ETCD_LEASE,
                5));
        lease("10.244.9.0/24", "node-d", "192.168.0.4", "");

        List<Problem> found = problems().stream()
                .filter(p -> p.kind() != ProblemKind.OUTSIDE_RANGE)
                .toList();
        assertThat(found)
                .extracting(Problem::kind, Problem::subject)
                .containsExactly(
                        tuple(ProblemKind.OVERLAP, "10.244.8.128/25"),
                        tuple(ProblemKind.RESERVATION_OVERLAP, "10.244.3.0/24"));
        assertThat(found.get(1).nodes()).containsExactly("node-r", "node-a");
    }

    @Test
    void unreadableKeysAreReported() {
        skipped.add(new StoreEvent.Skipped("/coreos.com/network/subnets/10.244.7.0-24", "bad lease value: x", 4));

        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.UNREADABLE_KEY);
            assertThat(p.subject()).isEqualTo("/coreos.com/network/subnets/10.244.7.0-24");
        });
    }

    @Test
    void claimsThatNameNoLeaseOfTheirNodeAreReported() {
        StoredLease a = lease("10.244.1.0/24", "node-a", "192.168.0.1", "aa:00:00:00:00:01");
        lease("10.244.2.0/24", "node-b", "192.168.0.2", "");
        claimsOf(a);
        claims.add(new NodeClaim("node-gone", SubnetKey.ipv4Only(IpPrefix.parse("10.244.9.0/24")), 7));
        claims.add(new NodeClaim("node-x", SubnetKey.ipv4Only(IpPrefix.parse("10.244.2.0/24")), 7));
        claims.add(new NodeClaim("node-y", null, 7));
        addresses.add(new AddressClaim(new HostAddress(HostAddress.Kind.PUBLIC_IP, "192.168.0.2"), "node-gone", 7));

        assertThat(problems())
                .extracting(Problem::kind, Problem::subject)
                .containsExactly(
                        tuple(ProblemKind.STALE_NODE_CLAIM, "/coreos.com/network/weft/nodes/node-gone"),
                        tuple(ProblemKind.STALE_NODE_CLAIM, "/coreos.com/network/weft/nodes/node-x"),
                        tuple(ProblemKind.STALE_NODE_CLAIM, "/coreos.com/network/weft/nodes/node-y"),
                        tuple(
                                ProblemKind.STALE_ADDRESS_CLAIM,
                                "/coreos.com/network/weft/addresses/public-ip/192.168.0.2"));
    }

    @Test
    void keysOnAnExpiredOrVanishedEtcdLeaseAreReported() {
        lease("10.244.1.0/24", "node-a", "192.168.0.1", "");
        reservation("10.244.3.0/24", "node-c", "192.168.0.3");
        facts = facts(Map.of(ETCD_LEASE, -1L), List.of());

        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.EXPIRED_PRESENT);
            assertThat(p.subject()).isEqualTo("10.244.1.0/24");
            assertThat(p.detail()).contains("is past its expiry");
        });

        facts = new EtcdLeaseFacts(Set.of(), Map.of(ETCD_LEASE, -1L), 0, List.of(), BUCKET);
        assertThat(problems())
                .singleElement()
                .satisfies(p -> assertThat(p.detail()).contains("no longer exists"));
    }

    @Test
    void keylessEtcdLeasesAreReportedExceptWeftsOwnEmptiedBuckets() {
        facts = facts(
                Map.of(),
                List.of(
                        new EtcdLeaseFacts.KeylessLease(0xabc, 3600, 3000),
                        new EtcdLeaseFacts.KeylessLease(0xdef, BUCKET, 3000)));

        assertThat(problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.KEYLESS_ETCD_LEASE);
            assertThat(p.subject()).isEqualTo("abc");
            assertThat(p.detail()).contains("another program");
            assertThat(p.action()).contains("etcdctl lease revoke abc");
        });
    }

    private List<Problem> problems() {
        Snapshot snapshot = new Snapshot(10, config, leases, skipped, claims, addresses);
        return new ConsistencyCheck(LAYOUT).problems(snapshot, facts);
    }

    private List<ProblemKind> kinds() {
        return problems().stream().map(Problem::kind).toList();
    }

    private StoredLease lease(String subnet, String node, String publicIp, String mac) {
        StoredLease lease = new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse(subnet)),
                new LeaseValue(publicIp, "", "vxlan", mac.isEmpty() ? null : new VtepData(1, mac), null, node),
                ETCD_LEASE,
                5);
        leases.add(lease);
        return lease;
    }

    private void reservation(String subnet, String node, String publicIp) {
        leases.add(new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse(subnet)),
                new LeaseValue(publicIp, "", "vxlan", null, null, node),
                0,
                5));
    }

    private void claimsOf(StoredLease lease) {
        claims.add(new NodeClaim(lease.nodeName(), lease.subnet(), lease.modRevision()));
        HostAddress.of(lease.value())
                .forEach(a -> addresses.add(new AddressClaim(a, lease.nodeName(), lease.modRevision())));
    }

    private static EtcdLeaseFacts facts(Map<Long, Long> remaining, List<EtcdLeaseFacts.KeylessLease> keyless) {
        return new EtcdLeaseFacts(Set.of(ETCD_LEASE), remaining, 0, keyless, BUCKET);
    }
}
