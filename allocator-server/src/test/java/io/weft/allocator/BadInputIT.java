package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.DeleteReservationRequest;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ListLeasesResponse;
import io.weft.api.v1.NetworkConfig;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.VxlanBackendData;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.etcd.testing.Etcdctl;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RPC with bad input: each must fail with the documented status code, a description
 * that names the offending field (and, where there is one, the allowed range), and must write
 * nothing to etcd, neither a key nor an etcd lease.
 */
@Timeout(300)
class BadInputIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String VXLAN_NETWORK = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
    private static final String HOST_GW_NETWORK = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}";
    /** Three leasable /30s (10.0.0.4, .8, .12): flannel skips the first. */
    private static final String TINY_NETWORK =
            "{\"Network\":\"10.0.0.0/28\",\"SubnetLen\":30,\"Backend\":{\"Type\":\"vxlan\"}}";
    private static final String DUAL_STACK_NETWORK = "{\"EnableIPv6\":true,\"Network\":\"10.244.0.0/16\","
            + "\"IPv6Network\":\"fd00:10:244::/56\",\"Backend\":{\"Type\":\"vxlan\"}}";
    /** What node "holder" holds in the VXLAN and DUAL_STACK worlds. */
    private static final String HELD = "10.244.7.0/24";
    private static final String HELD_V6 = "fd00:10:244:7::/64";
    private static final String LONG_NAME = "n".repeat(300);

    private AllocatorFixture fixture;
    private Api api;

    /** The stubs a case calls through. */
    record Api(LeaseServiceGrpc.LeaseServiceBlockingStub leases, NetworkServiceGrpc.NetworkServiceBlockingStub network) {
    }

    /** What etcd holds before the bad call. */
    enum World {
        NO_CONFIG {
            @Override
            void prepare(Api api) {
            }
        },
        VXLAN {
            @Override
            void prepare(Api api) {
                api.network().setConfig(SetConfigRequest.newBuilder().setJson(VXLAN_NETWORK).build());
                Lease lease = api.leases().acquireLease(node("holder", "192.168.50.1").toBuilder()
                        .setPreviousSubnet(HELD).build()).getLease();
                assertThat(lease.getSubnet()).isEqualTo(HELD);
            }
        },
        HOST_GW {
            @Override
            void prepare(Api api) {
                api.network().setConfig(SetConfigRequest.newBuilder().setJson(HOST_GW_NETWORK).build());
            }
        },
        FULL {
            @Override
            void prepare(Api api) {
                api.network().setConfig(SetConfigRequest.newBuilder().setJson(TINY_NETWORK).build());
                for (int i = 1; i <= 3; i++) {
                    api.leases().acquireLease(node("filler-" + i, "192.168.50." + i));
                }
            }
        },
        DUAL_STACK {
            @Override
            void prepare(Api api) {
                api.network().setConfig(SetConfigRequest.newBuilder().setJson(DUAL_STACK_NETWORK).build());
                Lease lease = api.leases().acquireLease(dualStackNode("holder", "192.168.50.1").toBuilder()
                        .setPreviousSubnet(HELD).setPreviousIpv6Subnet(HELD_V6).build()).getLease();
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
        fixture = new AllocatorFixture(ETCD.endpoints());
        // Long TTL: no lease of an earlier case may expire (and move etcd's revision) mid-case.
        AllocatorServer server = fixture.startServer(Duration.ofHours(1));
        api = new Api(fixture.leases(server), fixture.network(server));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    static Stream<Case> badRequests() {
        return Stream.of(
                // AcquireLease: node_name
                bad("acquire: empty node_name", World.VXLAN, acquire(r -> r.setNodeName("")),
                        Status.Code.INVALID_ARGUMENT, "node_name", "required", "1..253"),
                bad("acquire: 300-character node_name", World.VXLAN, acquire(r -> r.setNodeName(LONG_NAME)),
                        Status.Code.INVALID_ARGUMENT, "node_name", "300 characters", "at most 253"),
                bad("acquire: node_name with a slash", World.VXLAN, acquire(r -> r.setNodeName("rack/node")),
                        Status.Code.INVALID_ARGUMENT, "node_name", "\"rack/node\"", "letters, digits"),
                bad("acquire: node_name with a space", World.VXLAN, acquire(r -> r.setNodeName("node 1")),
                        Status.Code.INVALID_ARGUMENT, "node_name", "letters, digits"),
                bad("acquire: node_name starting with '-'", World.VXLAN, acquire(r -> r.setNodeName("-node")),
                        Status.Code.INVALID_ARGUMENT, "node_name", "starting and ending with a letter or digit"),
                bad("acquire: node_name with a non-ASCII letter", World.VXLAN, acquire(r -> r.setNodeName("nöde")),
                        Status.Code.INVALID_ARGUMENT, "node_name", "letters, digits"),
                // AcquireLease: addresses
                bad("acquire: IPv6 public_ip", World.VXLAN, acquire(r -> r.setPublicIp("fd00::1")),
                        Status.Code.INVALID_ARGUMENT, "public_ip", "IPv4 address is required"),
                bad("acquire: public_ip banana", World.VXLAN, acquire(r -> r.setPublicIp("banana")),
                        Status.Code.INVALID_ARGUMENT, "public_ip", "\"banana\"", "IPv4"),
                bad("acquire: empty public_ip on an IPv4 network", World.VXLAN, acquire(r -> r.setPublicIp("")),
                        Status.Code.INVALID_ARGUMENT, "public_ip", "IPv4"),
                bad("acquire: IPv4 public_ipv6", World.VXLAN, acquire(r -> r.setPublicIpv6("10.1.2.3")),
                        Status.Code.INVALID_ARGUMENT, "public_ipv6", "IPv6 address is required"),
                bad("acquire: no public_ipv6 on a dual-stack network", World.DUAL_STACK,
                        dualStackAcquire(r -> r.clearPublicIpv6()),
                        Status.Code.INVALID_ARGUMENT, "public_ipv6", "IPv6"),
                // AcquireLease: backend
                bad("acquire: backend udp", World.VXLAN, acquire(r -> r.setBackendType("udp")),
                        Status.Code.INVALID_ARGUMENT, "backend_type", "\"udp\"", "allowed: vxlan, host-gw"),
                bad("acquire: host-gw on a vxlan network", World.VXLAN, acquire(r -> r.setBackendType("host-gw")),
                        Status.Code.FAILED_PRECONDITION, "backend_type", "\"host-gw\"", "\"vxlan\""),
                bad("acquire: vxlan on a host-gw network", World.HOST_GW, acquire(r -> r),
                        Status.Code.FAILED_PRECONDITION, "backend_type", "\"vxlan\"", "\"host-gw\""),
                // AcquireLease: previous subnets
                bad("acquire: previous_subnet /33", World.VXLAN, acquire(r -> r.setPreviousSubnet("10.0.0.0/33")),
                        Status.Code.INVALID_ARGUMENT, "previous_subnet", "10.0.0.0/33", "0..32"),
                bad("acquire: previous_subnet banana", World.VXLAN, acquire(r -> r.setPreviousSubnet("banana")),
                        Status.Code.INVALID_ARGUMENT, "previous_subnet", "\"banana\"", "10.244.3.0/24"),
                bad("acquire: previous_subnet with host bits", World.VXLAN,
                        acquire(r -> r.setPreviousSubnet("10.244.9.1/24")),
                        Status.Code.INVALID_ARGUMENT, "previous_subnet", "host bits", "10.244.9.0/24"),
                bad("acquire: IPv6 previous_subnet", World.VXLAN, acquire(r -> r.setPreviousSubnet("fd00:1::/64")),
                        Status.Code.INVALID_ARGUMENT, "previous_subnet", "IPv4 subnet is required"),
                bad("acquire: IPv4 previous_ipv6_subnet", World.DUAL_STACK,
                        dualStackAcquire(r -> r.setPreviousIpv6Subnet("10.244.9.0/24")),
                        Status.Code.INVALID_ARGUMENT, "previous_ipv6_subnet", "IPv6 subnet is required"),
                // AcquireLease: VTEP
                bad("acquire: vxlan without VTEP data", World.VXLAN, acquire(r -> r.clearVxlan()),
                        Status.Code.INVALID_ARGUMENT, "vxlan", "required", "vni, vtep_mac"),
                bad("acquire: vxlan_v6 missing on a dual-stack network", World.DUAL_STACK,
                        dualStackAcquire(r -> r.clearVxlanV6()),
                        Status.Code.INVALID_ARGUMENT, "vxlan_v6", "required"),
                bad("acquire: MAC zz:zz:zz:zz:zz:zz", World.VXLAN, acquire(r -> r.setVxlan(vtep(1, "zz:zz:zz:zz:zz:zz"))),
                        Status.Code.INVALID_ARGUMENT, "vxlan.vtep_mac", "not a MAC address"),
                bad("acquire: multicast MAC", World.VXLAN, acquire(r -> r.setVxlan(vtep(1, "01:00:5e:00:00:01"))),
                        Status.Code.INVALID_ARGUMENT, "vxlan.vtep_mac", "multicast", "unicast"),
                bad("acquire: five-octet MAC", World.VXLAN, acquire(r -> r.setVxlan(vtep(1, "0a:58:0a:f4:01"))),
                        Status.Code.INVALID_ARGUMENT, "vxlan.vtep_mac", "not a MAC address"),
                bad("acquire: zero MAC", World.VXLAN, acquire(r -> r.setVxlan(vtep(1, "00:00:00:00:00:00"))),
                        Status.Code.INVALID_ARGUMENT, "vxlan.vtep_mac", "zero MAC"),
                bad("acquire: bad IPv6 VTEP MAC", World.DUAL_STACK,
                        dualStackAcquire(r -> r.setVxlanV6(vtep(1, "ff:ff:ff:ff:ff:ff"))),
                        Status.Code.INVALID_ARGUMENT, "vxlan_v6.vtep_mac", "multicast"),
                bad("acquire: VNI 2 on a VNI 1 network", World.VXLAN, acquire(r -> r.setVxlan(vtep(2, "0a:58:0a:f4:01:01"))),
                        Status.Code.INVALID_ARGUMENT, "vxlan.vni", "2", "send 1 or 0"),
                // AcquireLease: state
                bad("acquire: no network config", World.NO_CONFIG, acquire(r -> r),
                        Status.Code.FAILED_PRECONDITION, null, "no network config"),
                // A full network (RESOURCE_EXHAUSTED): see aFullNetworkAnswersResourceExhausted.

                // RenewLease
                bad("renew: subnet /33", World.VXLAN, renew("10.0.0.0/33", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "0..32"),
                bad("renew: subnet banana", World.VXLAN, renew("banana", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "\"banana\""),
                bad("renew: subnet with host bits", World.VXLAN, renew("10.244.7.1/24", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "host bits", HELD),
                bad("renew: empty subnet", World.VXLAN, renew("", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "not a CIDR"),
                bad("renew: empty node_name", World.VXLAN, renew(HELD, ""),
                        Status.Code.INVALID_ARGUMENT, "node_name", "required"),
                bad("renew: 300-character node_name", World.VXLAN, renew(HELD, LONG_NAME),
                        Status.Code.INVALID_ARGUMENT, "node_name", "at most 253"),
                bad("renew: a subnet nobody holds", World.VXLAN, renew("10.244.99.0/24", "holder"),
                        Status.Code.NOT_FOUND, null, "10.244.99.0/24"),
                bad("renew: an IPv6 subnet on an IPv4 network", World.VXLAN, renew("fd00::/64", "holder"),
                        Status.Code.NOT_FOUND, null, "fd00::/64"),
                bad("renew: another node's lease", World.VXLAN, renew(HELD, "intruder"),
                        Status.Code.FAILED_PRECONDITION, null, "\"intruder\"", HELD, "\"holder\""),

                // ReleaseLease
                bad("release: subnet /33", World.VXLAN, release("10.0.0.0/33", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "0..32"),
                bad("release: subnet banana", World.VXLAN, release("banana", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "\"banana\""),
                bad("release: subnet with host bits", World.VXLAN, release("10.244.7.1/24", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "host bits"),
                bad("release: empty subnet", World.VXLAN, release("", "holder"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "not a CIDR"),
                bad("release: node_name with a slash", World.VXLAN, release(HELD, "rack/node"),
                        Status.Code.INVALID_ARGUMENT, "node_name", "\"rack/node\""),
                bad("release: a subnet nobody holds", World.VXLAN, release("10.244.99.0/24", "holder"),
                        Status.Code.NOT_FOUND, null, "10.244.99.0/24"),
                bad("release: another node's lease", World.VXLAN, release(HELD, "intruder"),
                        Status.Code.FAILED_PRECONDITION, null, "\"intruder\"", HELD, "\"holder\""),

                // GetLease
                bad("get: neither subnet nor node_name", World.VXLAN, get(GetLeaseRequest.getDefaultInstance()),
                        Status.Code.INVALID_ARGUMENT, "key", "subnet", "node_name"),
                bad("get: subnet banana", World.VXLAN, get(GetLeaseRequest.newBuilder().setSubnet("banana").build()),
                        Status.Code.INVALID_ARGUMENT, "subnet", "\"banana\""),
                bad("get: subnet with host bits", World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setSubnet("10.244.7.1/24").build()),
                        Status.Code.INVALID_ARGUMENT, "subnet", "host bits"),
                bad("get: empty node_name", World.VXLAN, get(GetLeaseRequest.newBuilder().setNodeName("").build()),
                        Status.Code.INVALID_ARGUMENT, "node_name", "required"),
                bad("get: 300-character node_name", World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setNodeName(LONG_NAME).build()),
                        Status.Code.INVALID_ARGUMENT, "node_name", "at most 253"),
                bad("get: a subnet nobody holds", World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setSubnet("10.244.99.0/24").build()),
                        Status.Code.NOT_FOUND, null, "10.244.99.0/24"),
                bad("get: a node holding nothing", World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setNodeName("nobody").build()),
                        Status.Code.NOT_FOUND, null, "\"nobody\""),

                // ListLeases and WatchLeases
                bad("list: page_token banana", World.VXLAN, list("banana"),
                        Status.Code.INVALID_ARGUMENT, "page_token", "\"banana\"", "next_page_token"),
                bad("list: negative page_token", World.VXLAN, list("-1"),
                        Status.Code.INVALID_ARGUMENT, "page_token", "next_page_token"),
                bad("list: page_token beyond int", World.VXLAN, list("99999999999"),
                        Status.Code.INVALID_ARGUMENT, "page_token", "next_page_token"),
                bad("watch: start_revision -1", World.VXLAN, watch(-1),
                        Status.Code.INVALID_ARGUMENT, "start_revision", "-1", "use 0"),
                bad("watch: start_revision Long.MIN_VALUE", World.VXLAN, watch(Long.MIN_VALUE),
                        Status.Code.INVALID_ARGUMENT, "start_revision", "negative"),
                bad("watch: start_revision ahead of etcd", World.VXLAN, watch(1L << 40),
                        Status.Code.INVALID_ARGUMENT, "start_revision", "ahead of etcd's current revision"),

                // CreateReservation and DeleteReservation
                bad("reserve: outside the network", World.VXLAN, reserve("10.99.0.0/24", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "10.99.0.0/24",
                        "a /24 between 10.244.1.0/24 and 10.244.255.0/24"),
                bad("reserve: the network's first subnet (below SubnetMin)", World.VXLAN, reserve("10.244.0.0/24", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "between 10.244.1.0/24"),
                bad("reserve: /25 on a /24 network", World.VXLAN, reserve("10.244.3.0/25", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "10.244.3.0/25", "a /24"),
                bad("reserve: misaligned (host bits)", World.VXLAN, reserve("10.244.3.128/24", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "host bits", "10.244.3.0/24"),
                bad("reserve: subnet /33", World.VXLAN, reserve("10.0.0.0/33", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "0..32"),
                bad("reserve: subnet banana", World.VXLAN, reserve("banana", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "\"banana\""),
                bad("reserve: empty subnet", World.VXLAN, reserve("", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "not a CIDR"),
                bad("reserve: IPv6 subnet on an IPv4 network", World.VXLAN, reserve("fd00::/64", "db-1"),
                        Status.Code.INVALID_ARGUMENT, "subnet", "IPv4 subnet is required"),
                bad("reserve: IPv4 ipv6_subnet on a dual-stack network", World.DUAL_STACK,
                        call(a -> a.leases().createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.9.0/24").setIpv6Subnet("10.244.10.0/24").setNodeName("db-1").build())),
                        Status.Code.INVALID_ARGUMENT, "ipv6_subnet", "IPv6 subnet is required"),
                bad("reserve: ipv6_subnet outside the IPv6 network", World.DUAL_STACK,
                        call(a -> a.leases().createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.9.0/24").setIpv6Subnet("fd00:99::/64").setNodeName("db-1").build())),
                        Status.Code.INVALID_ARGUMENT, "ipv6_subnet", "fd00:99::/64", "a /64 between"),
                bad("reserve: empty node_name", World.VXLAN, reserve("10.244.9.0/24", ""),
                        Status.Code.INVALID_ARGUMENT, "node_name", "required"),
                bad("reserve: IPv6 public_ip", World.VXLAN,
                        call(a -> a.leases().createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.9.0/24").setNodeName("db-1").setPublicIp("fd00::9").build())),
                        Status.Code.INVALID_ARGUMENT, "public_ip", "IPv4 address is required"),
                bad("reserve: a subnet another node holds", World.VXLAN, reserve(HELD, "db-1"),
                        Status.Code.FAILED_PRECONDITION, null, HELD, "\"holder\""),
                bad("reserve: a second subnet for a node that holds one", World.VXLAN, reserve("10.244.9.0/24", "holder"),
                        Status.Code.FAILED_PRECONDITION, null, "\"holder\"", HELD),
                bad("reserve: an IPv6 subnet another node holds", World.DUAL_STACK,
                        call(a -> a.leases().createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.9.0/24").setIpv6Subnet(HELD_V6).setNodeName("db-1").build())),
                        Status.Code.FAILED_PRECONDITION, null, "not free"),
                bad("reserve: no network config", World.NO_CONFIG, reserve("10.244.9.0/24", "db-1"),
                        Status.Code.FAILED_PRECONDITION, null, "no network config"),
                bad("unreserve: subnet banana", World.VXLAN,
                        call(a -> a.leases().deleteReservation(DeleteReservationRequest.newBuilder()
                                .setSubnet("banana").build())),
                        Status.Code.INVALID_ARGUMENT, "subnet", "\"banana\""),
                bad("unreserve: an ordinary lease", World.VXLAN,
                        call(a -> a.leases().deleteReservation(DeleteReservationRequest.newBuilder()
                                .setSubnet(HELD).build())),
                        Status.Code.FAILED_PRECONDITION, null, HELD, "not a reservation"),
                bad("unreserve: nobody holds it", World.VXLAN,
                        call(a -> a.leases().deleteReservation(DeleteReservationRequest.newBuilder()
                                .setSubnet("10.244.200.0/24").build())),
                        Status.Code.NOT_FOUND, null, "10.244.200.0/24"),

                // NetworkService
                bad("get config: none set", World.NO_CONFIG,
                        call(a -> a.network().getConfig(GetConfigRequest.getDefaultInstance())),
                        Status.Code.FAILED_PRECONDITION, null, "no network config"),
                bad("set config: not JSON", World.VXLAN, setConfig("{\"Network\": "),
                        Status.Code.INVALID_ARGUMENT, "json", "not valid JSON"),
                bad("set config: empty", World.VXLAN, setConfig(""),
                        Status.Code.INVALID_ARGUMENT, "json", "empty"),
                bad("set config: SubnetLen 31", World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.INVALID_ARGUMENT, "json", "SubnetLen", "31", "allowed 18..30"),
                bad("set config: backend udp", World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"udp\"}}"),
                        Status.Code.INVALID_ARGUMENT, "json", "Backend.Type", "\"udp\"", "allowed: vxlan, host-gw"),
                bad("set config: no Backend", World.VXLAN, setConfig("{\"Network\":\"10.244.0.0/16\"}"),
                        Status.Code.INVALID_ARGUMENT, "json", "Backend", "missing", "vxlan, host-gw"),
                bad("set config: IPv6 Network", World.VXLAN,
                        setConfig("{\"Network\":\"fd00::/48\",\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.INVALID_ARGUMENT, "json", "Network", "IPv6Network"),
                bad("set config: every problem at once", World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"udp\"}}"),
                        Status.Code.INVALID_ARGUMENT, "json", "SubnetLen", "Backend.Type"),
                bad("set config: over 64 KiB", World.VXLAN, setConfig(padded(64 * 1024 + 1, 'x')),
                        Status.Code.INVALID_ARGUMENT, "json", "65537", "at most 65536"),
                bad("set config: strands a lease (new network)", World.VXLAN,
                        setConfig("{\"Network\":\"10.245.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.FAILED_PRECONDITION, null, "1 existing lease", HELD, "force"),
                bad("set config: strands a lease (new SubnetLen)", World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":25,\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.FAILED_PRECONDITION, null, HELD, "force"),
                bad("set config: strands an IPv6 lease (IPv6 disabled)", World.DUAL_STACK, setConfig(VXLAN_NETWORK),
                        Status.Code.FAILED_PRECONDITION, null, HELD, "force"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void aBadRequestFailsNamingTheFieldAndWritesNothing(Case bad) throws Exception {
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

    @Test
    void setConfigWithForceStoresARangeThatStrandsALease() throws Exception {
        World.VXLAN.prepare(api);
        String moved = "{\"Network\":\"10.245.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

        NetworkConfig stored = api.network().setConfig(SetConfigRequest.newBuilder().setJson(moved).setForce(true).build());

        assertThat(stored.getNetwork()).isEqualTo("10.245.0.0/16");
        assertThat(stored.getModRevision()).isEqualTo(fixture.etcdRevision());
        assertThat(fixture.etcdContents()).containsEntry(fixture.prefix + "/config", moved)
                .containsKey(fixture.prefix + "/subnets/10.244.7.0-24");
        assertThat(api.network().getConfig(GetConfigRequest.getDefaultInstance()).getJson()).isEqualTo(moved);
        assertThat(api.leases().listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList())
                .extracting(Lease::getSubnet).containsExactly(HELD);
    }

    @Test
    void theLongestAllowedNodeNameIsAccepted() {
        World.VXLAN.prepare(api);
        String longest = "n".repeat(253);

        Lease lease = api.leases().acquireLease(node(longest, "192.168.50.2")).getLease();

        assertThat(lease.getNodeName()).isEqualTo(longest);
        assertThat(api.leases().getLease(GetLeaseRequest.newBuilder().setNodeName(longest).build()).getSubnet())
                .isEqualTo(lease.getSubnet());
    }

    @Test
    void aFullNetworkAnswersResourceExhausted() throws Exception {
        World.FULL.prepare(api);
        long revision = fixture.etcdRevision();

        assertThatThrownBy(() -> api.leases().withDeadlineAfter(10, TimeUnit.SECONDS)
                .acquireLease(node("newcomer", "192.168.50.9")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("IPv4", "SubnetMin and SubnetMax");
                });
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
    }

    @Test
    void reacquiringAnUnchangedReservationAnswers() {
        World.VXLAN.prepare(api);
        api.leases().createReservation(CreateReservationRequest.newBuilder().setSubnet("10.244.9.0/24")
                .setNodeName("db-1").build());
        assertThat(api.leases().acquireLease(node("db-1", "192.168.50.9")).getSource()).isEqualTo("reservation");

        assertThat(api.leases().withDeadlineAfter(10, TimeUnit.SECONDS).acquireLease(node("db-1", "192.168.50.9"))
                .getLease().getSubnet()).isEqualTo("10.244.9.0/24");
    }

    @Test
    void aPageSizeAbove2To31ReturnsEveryLease() {
        World.VXLAN.prepare(api);
        for (int pageSize : new int[] {-1, Integer.MIN_VALUE}) {
            ListLeasesResponse page = api.leases().listLeases(ListLeasesRequest.newBuilder().setPageSize(pageSize).build());
            assertThat(page.getLeasesList()).extracting(Lease::getSubnet).as("page_size %s", Integer.toUnsignedString(pageSize))
                    .containsExactly(HELD);
            assertThat(page.getNextPageToken()).isEmpty();
        }
    }

    @Test
    void aConfigOver64KiBOfUtf8IsRefusedEvenWithFewerCharacters() throws Exception {
        World.VXLAN.prepare(api);
        String json = padded(30_000, '€');
        assertThat(json.length()).isLessThan(64 * 1024);
        assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isGreaterThan(64 * 1024);
        long revision = fixture.etcdRevision();

        assertThatThrownBy(() -> api.network().setConfig(SetConfigRequest.newBuilder().setJson(json).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("json: ").contains("65536");
                });
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
    }

    @Test
    void aMalformedIpv6SubnetIsRejectedOnAnIpv4OnlyNetwork() throws Exception {
        World.VXLAN.prepare(api);
        long revision = fixture.etcdRevision();

        assertThatThrownBy(() -> api.leases().createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.244.9.0/24").setIpv6Subnet("banana").setNodeName("db-1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("ipv6_subnet: ");
                });
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
    }

    @Test
    void aRefusedDualStackReservationLeavesItsIpv4SubnetFree() {
        World.DUAL_STACK.prepare(api);
        assertThatThrownBy(() -> api.leases().createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.244.9.0/24").setIpv6Subnet(HELD_V6).setNodeName("db-1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

        Lease reserved = api.leases().createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.244.9.0/24").setIpv6Subnet("fd00:10:244:9::/64").setNodeName("db-1").build());

        assertThat(reserved.getSubnet()).isEqualTo("10.244.9.0/24");
        assertThat(reserved.getReserved()).isTrue();
    }

    private Set<String> etcdLeaseIds() {
        // "found N leases" then one hex id per line; jetcd 0.8 has no call that lists leases.
        return new Etcdctl(ETCD.endpoints()).run("lease", "list").lines().skip(1).map(String::strip)
                .filter(line -> !line.isEmpty()).collect(Collectors.toSet());
    }

    private static Case bad(String name, World world, Call call, Status.Code code, String field, String... mentions) {
        return new Case(name, world, call, code, field, List.of(mentions));
    }

    private static Call call(Call call) {
        return call;
    }

    private static Call acquire(UnaryOperator<AcquireLeaseRequest.Builder> edit) {
        return a -> a.leases().acquireLease(edit.apply(node("newcomer", "192.168.50.9").toBuilder()).build());
    }

    private static Call dualStackAcquire(UnaryOperator<AcquireLeaseRequest.Builder> edit) {
        return a -> a.leases().acquireLease(edit.apply(dualStackNode("newcomer", "192.168.50.9").toBuilder()).build());
    }

    private static Call renew(String subnet, String node) {
        return a -> a.leases().renewLease(RenewLeaseRequest.newBuilder().setSubnet(subnet).setNodeName(node).build());
    }

    private static Call release(String subnet, String node) {
        return a -> a.leases().releaseLease(ReleaseLeaseRequest.newBuilder().setSubnet(subnet).setNodeName(node).build());
    }

    private static Call get(GetLeaseRequest request) {
        return a -> a.leases().getLease(request);
    }

    private static Call list(String pageToken) {
        return a -> a.leases().listLeases(ListLeasesRequest.newBuilder().setPageSize(10).setPageToken(pageToken).build());
    }

    private static Call watch(long startRevision) {
        return a -> a.leases().watchLeases(WatchLeasesRequest.newBuilder().setStartRevision(startRevision).build())
                .hasNext();
    }

    private static Call reserve(String subnet, String node) {
        return a -> a.leases().createReservation(CreateReservationRequest.newBuilder().setSubnet(subnet)
                .setNodeName(node).build());
    }

    private static Call setConfig(String json) {
        return a -> a.network().setConfig(SetConfigRequest.newBuilder().setJson(json).build());
    }

    static AcquireLeaseRequest node(String name, String publicIp) {
        return AcquireLeaseRequest.newBuilder().setNodeName(name).setPublicIp(publicIp).setBackendType("vxlan")
                .setVxlan(vtep(1, "0a:58:0a:f4:01:01")).build();
    }

    static AcquireLeaseRequest dualStackNode(String name, String publicIp) {
        return node(name, publicIp).toBuilder().setPublicIpv6("fd00:192:168::" + publicIp.substring(publicIp.lastIndexOf('.') + 1))
                .setVxlanV6(vtep(1, "0a:58:0a:f4:01:02")).build();
    }

    private static VxlanBackendData vtep(int vni, String mac) {
        return VxlanBackendData.newBuilder().setVni(vni).setVtepMac(mac).build();
    }

    /** A valid vxlan config padded with an unknown field (flannel ignores those) to exactly length chars. */
    private static String padded(int length, char filler) {
        String head = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"},\"Comment\":\"";
        String tail = "\"}";
        return head + String.valueOf(filler).repeat(length - head.length() - tail.length()) + tail;
    }
}
