package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.VxlanBackendData;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.etcd.testing.Etcdctl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the bad-input suites share: a real server per test over a real etcd, the worlds a bad
 * request meets (no config, a vxlan network with a held lease, a full network...), and the check
 * every case gets: the documented status code, a description that names the offending field (and,
 * where there is one, the allowed range), and nothing written to etcd, neither a key nor an etcd
 * lease.
 */
abstract class BadInputSuite {

    static final String VXLAN_NETWORK = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
    static final String HOST_GW_NETWORK = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}";
    /** Three leasable /30s (10.0.0.4, .8, .12): flannel skips the first. */
    static final String TINY_NETWORK =
            "{\"Network\":\"10.0.0.0/28\",\"SubnetLen\":30,\"Backend\":{\"Type\":\"vxlan\"}}";

    static final String DUAL_STACK_NETWORK = "{\"EnableIPv6\":true,\"Network\":\"10.244.0.0/16\","
            + "\"IPv6Network\":\"fd00:10:244::/56\",\"Backend\":{\"Type\":\"vxlan\"}}";
    /** What node "holder" holds in the VXLAN and DUAL_STACK worlds. */
    static final String HELD = "10.244.7.0/24";

    static final String HELD_V6 = "fd00:10:244:7::/64";
    static final String LONG_NAME = "n".repeat(300);
    /** Far longer than any field allows, far shorter than gRPC's message limit. */
    static final String HUGE = "7".repeat(100_000);

    AllocatorFixture fixture;
    Api api;

    /** The etcd the subclass registered. */
    abstract List<String> etcdEndpoints();

    /** The stubs a case calls through. */
    record Api(
            LeaseServiceGrpc.LeaseServiceBlockingStub leases, NetworkServiceGrpc.NetworkServiceBlockingStub network) {}

    /** What etcd holds before the bad call. */
    enum World {
        NO_CONFIG {
            @Override
            void prepare(Api api) {}
        },
        VXLAN {
            @Override
            void prepare(Api api) {
                api.network()
                        .setConfig(SetConfigRequest.newBuilder()
                                .setJson(VXLAN_NETWORK)
                                .build());
                Lease lease = api.leases()
                        .acquireLease(node("holder", "192.168.50.1").toBuilder()
                                .setPreviousSubnet(HELD)
                                .build())
                        .getLease();
                assertThat(lease.getSubnet()).isEqualTo(HELD);
            }
        },
        HOST_GW {
            @Override
            void prepare(Api api) {
                api.network()
                        .setConfig(SetConfigRequest.newBuilder()
                                .setJson(HOST_GW_NETWORK)
                                .build());
            }
        },
        FULL {
            @Override
            void prepare(Api api) {
                api.network()
                        .setConfig(SetConfigRequest.newBuilder()
                                .setJson(TINY_NETWORK)
                                .build());
                for (int i = 1; i <= 3; i++) {
                    api.leases().acquireLease(node("filler-" + i, "192.168.50." + i));
                }
            }
        },
        DUAL_STACK {
            @Override
            void prepare(Api api) {
                api.network()
                        .setConfig(SetConfigRequest.newBuilder()
                                .setJson(DUAL_STACK_NETWORK)
                                .build());
                Lease lease = api.leases()
                        .acquireLease(dualStackNode("holder", "192.168.50.1").toBuilder()
                                .setPreviousSubnet(HELD)
                                .setPreviousIpv6Subnet(HELD_V6)
                                .build())
                        .getLease();
                assertThat(lease.getSubnet()).isEqualTo(HELD);
                assertThat(lease.getIpv6Subnet()).isEqualTo(HELD_V6);
            }
        };

        abstract void prepare(Api api);
    }

    @FunctionalInterface
    interface Call {
        Object on(Api api);
    }

    /**
     * One bad request. field: the description must start with "field: " (null when the status
     * is not about one field); mentions: text the description must contain.
     */
    record Case(String name, World world, Call call, Status.Code code, String field, List<String> mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeEach
    void start() throws Exception {
        fixture = new AllocatorFixture(etcdEndpoints());
        // Long TTL: no lease of an earlier case may expire (and move etcd's revision) mid-case.
        AllocatorServer server = fixture.startServer(Duration.ofHours(1));
        api = new Api(fixture.leases(server), fixture.network(server));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** Runs one case: the request fails as the case says and etcd is exactly as before. */
    void assertRefusedWritingNothing(Case bad) throws Exception {
        bad.world().prepare(api);
        long revision = fixture.etcdRevision();
        Map<String, String> contents = fixture.etcdContents();
        Set<String> etcdLeases = etcdLeaseIds();

        assertThatThrownBy(() -> bad.call().on(api)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            String description = e.getStatus().getDescription();
            assertThat(e.getStatus().getCode()).as("status of %s", description).isEqualTo(bad.code());
            assertThat(description).isNotNull();
            if (bad.field() != null) {
                assertThat(description).startsWith(bad.field() + ": ");
            }
            assertThat(description).contains(bad.mentions());
        });

        assertThat(fixture.etcdRevision()).as("etcd revision").isEqualTo(revision);
        assertThat(fixture.etcdContents()).isEqualTo(contents);
        assertThat(etcdLeaseIds()).as("etcd leases granted by the failed call").isSubsetOf(etcdLeases);
    }

    Set<String> etcdLeaseIds() {
        // "found N leases" then one hex id per line; jetcd 0.8 has no call that lists leases.
        return new Etcdctl(etcdEndpoints())
                .run("lease", "list")
                .lines()
                .skip(1)
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toSet());
    }

    static Case bad(String name, World world, Call call, Status.Code code, String field, String... mentions) {
        return new Case(name, world, call, code, field, List.of(mentions));
    }

    static Call call(Call call) {
        return call;
    }

    static Call acquire(UnaryOperator<AcquireLeaseRequest.Builder> edit) {
        return a -> a.leases()
                .acquireLease(
                        edit.apply(node("newcomer", "192.168.50.9").toBuilder()).build());
    }

    static Call dualStackAcquire(UnaryOperator<AcquireLeaseRequest.Builder> edit) {
        return a -> a.leases()
                .acquireLease(edit.apply(dualStackNode("newcomer", "192.168.50.9").toBuilder())
                        .build());
    }

    static Call renew(String subnet, String node) {
        return a -> a.leases()
                .renewLease(RenewLeaseRequest.newBuilder()
                        .setSubnet(subnet)
                        .setNodeName(node)
                        .build());
    }

    static Call release(String subnet, String node) {
        return a -> a.leases()
                .releaseLease(ReleaseLeaseRequest.newBuilder()
                        .setSubnet(subnet)
                        .setNodeName(node)
                        .build());
    }

    static Call get(GetLeaseRequest request) {
        return a -> a.leases().getLease(request);
    }

    static Call list(String pageToken) {
        return a -> a.leases()
                .listLeases(ListLeasesRequest.newBuilder()
                        .setPageSize(10)
                        .setPageToken(pageToken)
                        .build());
    }

    static Call watch(long startRevision) {
        return a -> a.leases()
                .watchLeases(WatchLeasesRequest.newBuilder()
                        .setStartRevision(startRevision)
                        .build())
                .hasNext();
    }

    static Call reserve(String subnet, String node) {
        return a -> a.leases()
                .createReservation(CreateReservationRequest.newBuilder()
                        .setSubnet(subnet)
                        .setNodeName(node)
                        .build());
    }

    static Call setConfig(String json) {
        return a -> a.network()
                .setConfig(SetConfigRequest.newBuilder().setJson(json).build());
    }

    /** A node whose VTEP MACs follow its public IP's last octet: one host, its own addresses. */
    static AcquireLeaseRequest node(String name, String publicIp) {
        return AcquireLeaseRequest.newBuilder()
                .setNodeName(name)
                .setPublicIp(publicIp)
                .setBackendType("vxlan")
                .setVxlan(vtep(1, String.format("0a:58:0a:f4:01:%02x", lastOctet(publicIp))))
                .build();
    }

    static AcquireLeaseRequest dualStackNode(String name, String publicIp) {
        return node(name, publicIp).toBuilder()
                .setPublicIpv6("fd00:192:168::" + lastOctet(publicIp))
                .setVxlanV6(vtep(1, String.format("0a:58:0a:f4:02:%02x", lastOctet(publicIp))))
                .build();
    }

    private static int lastOctet(String publicIp) {
        return Integer.parseInt(publicIp.substring(publicIp.lastIndexOf('.') + 1));
    }

    static VxlanBackendData vtep(int vni, String mac) {
        return VxlanBackendData.newBuilder().setVni(vni).setVtepMac(mac).build();
    }

    /** A valid vxlan config padded with an unknown field (flannel ignores those) to exactly length chars. */
    static String padded(int length, char filler) {
        String head = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"},\"Comment\":\"";
        String tail = "\"}";
        return head + String.valueOf(filler).repeat(length - head.length() - tail.length()) + tail;
    }
}
