package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ListLeasesResponse;
import io.weft.etcd.testing.EtcdExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to AcquireLease, RenewLease, ReleaseLease, GetLease, ListLeases and WatchLeases. */
@Timeout(300)
class LeaseBadInputIT extends BadInputSuite {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Override
    List<String> etcdEndpoints() {
        return ETCD.endpoints();
    }

    static Stream<Case> leaseRequests() {
        return Stream.of(
                // AcquireLease: node_name
                bad(
                        "acquire: empty node_name",
                        World.VXLAN,
                        acquire(r -> r.setNodeName("")),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "required",
                        "1..253"),
                bad(
                        "acquire: 300-character node_name",
                        World.VXLAN,
                        acquire(r -> r.setNodeName(LONG_NAME)),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "300 characters",
                        "at most 253"),
                bad(
                        "acquire: node_name with a slash",
                        World.VXLAN,
                        acquire(r -> r.setNodeName("rack/node")),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "\"rack/node\"",
                        "letters, digits"),
                bad(
                        "acquire: node_name with a space",
                        World.VXLAN,
                        acquire(r -> r.setNodeName("node 1")),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "letters, digits"),
                bad(
                        "acquire: node_name starting with '-'",
                        World.VXLAN,
                        acquire(r -> r.setNodeName("-node")),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "starting and ending with a letter or digit"),
                bad(
                        "acquire: node_name with a non-ASCII letter",
                        World.VXLAN,
                        acquire(r -> r.setNodeName("nöde")),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "letters, digits"),
                // AcquireLease: addresses
                bad(
                        "acquire: IPv6 public_ip",
                        World.VXLAN,
                        acquire(r -> r.setPublicIp("fd00::1")),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ip",
                        "IPv4 address is required"),
                bad(
                        "acquire: public_ip banana",
                        World.VXLAN,
                        acquire(r -> r.setPublicIp("banana")),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ip",
                        "\"banana\"",
                        "IPv4"),
                bad(
                        "acquire: empty public_ip on an IPv4 network",
                        World.VXLAN,
                        acquire(r -> r.setPublicIp("")),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ip",
                        "IPv4"),
                bad(
                        "acquire: IPv4 public_ipv6",
                        World.VXLAN,
                        acquire(r -> r.setPublicIpv6("10.1.2.3")),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ipv6",
                        "IPv6 address is required"),
                bad(
                        "acquire: no public_ipv6 on a dual-stack network",
                        World.DUAL_STACK,
                        dualStackAcquire(r -> r.clearPublicIpv6()),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ipv6",
                        "IPv6"),
                // AcquireLease: backend
                bad(
                        "acquire: backend udp",
                        World.VXLAN,
                        acquire(r -> r.setBackendType("udp")),
                        Status.Code.INVALID_ARGUMENT,
                        "backend_type",
                        "\"udp\"",
                        "allowed: vxlan, host-gw"),
                bad(
                        "acquire: host-gw on a vxlan network",
                        World.VXLAN,
                        acquire(r -> r.setBackendType("host-gw")),
                        Status.Code.FAILED_PRECONDITION,
                        "backend_type",
                        "\"host-gw\"",
                        "\"vxlan\""),
                bad(
                        "acquire: vxlan on a host-gw network",
                        World.HOST_GW,
                        acquire(r -> r),
                        Status.Code.FAILED_PRECONDITION,
                        "backend_type",
                        "\"vxlan\"",
                        "\"host-gw\""),
                // AcquireLease: previous subnets
                bad(
                        "acquire: previous_subnet /33",
                        World.VXLAN,
                        acquire(r -> r.setPreviousSubnet("10.0.0.0/33")),
                        Status.Code.INVALID_ARGUMENT,
                        "previous_subnet",
                        "10.0.0.0/33",
                        "0..32"),
                bad(
                        "acquire: previous_subnet banana",
                        World.VXLAN,
                        acquire(r -> r.setPreviousSubnet("banana")),
                        Status.Code.INVALID_ARGUMENT,
                        "previous_subnet",
                        "\"banana\"",
                        "10.244.3.0/24"),
                bad(
                        "acquire: previous_subnet with host bits",
                        World.VXLAN,
                        acquire(r -> r.setPreviousSubnet("10.244.9.1/24")),
                        Status.Code.INVALID_ARGUMENT,
                        "previous_subnet",
                        "host bits",
                        "10.244.9.0/24"),
                bad(
                        "acquire: IPv6 previous_subnet",
                        World.VXLAN,
                        acquire(r -> r.setPreviousSubnet("fd00:1::/64")),
                        Status.Code.INVALID_ARGUMENT,
                        "previous_subnet",
                        "IPv4 subnet is required"),
                bad(
                        "acquire: IPv4 previous_ipv6_subnet",
                        World.DUAL_STACK,
                        dualStackAcquire(r -> r.setPreviousIpv6Subnet("10.244.9.0/24")),
                        Status.Code.INVALID_ARGUMENT,
                        "previous_ipv6_subnet",
                        "IPv6 subnet is required"),
                // AcquireLease: VTEP
                bad(
                        "acquire: vxlan without VTEP data",
                        World.VXLAN,
                        acquire(r -> r.clearVxlan()),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan",
                        "required",
                        "vni, vtep_mac"),
                bad(
                        "acquire: vxlan_v6 missing on a dual-stack network",
                        World.DUAL_STACK,
                        dualStackAcquire(r -> r.clearVxlanV6()),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan_v6",
                        "required"),
                bad(
                        "acquire: MAC zz:zz:zz:zz:zz:zz",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1, "zz:zz:zz:zz:zz:zz"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vtep_mac",
                        "not a MAC address"),
                bad(
                        "acquire: multicast MAC",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1, "01:00:5e:00:00:01"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vtep_mac",
                        "multicast",
                        "unicast"),
                bad(
                        "acquire: five-octet MAC",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1, "0a:58:0a:f4:01"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vtep_mac",
                        "not a MAC address"),
                bad(
                        "acquire: zero MAC",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1, "00:00:00:00:00:00"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vtep_mac",
                        "zero MAC"),
                bad(
                        "acquire: bad IPv6 VTEP MAC",
                        World.DUAL_STACK,
                        dualStackAcquire(r -> r.setVxlanV6(vtep(1, "ff:ff:ff:ff:ff:ff"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan_v6.vtep_mac",
                        "multicast"),
                bad(
                        "acquire: VNI 2 on a VNI 1 network",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(2, "0a:58:0a:f4:01:01"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vni",
                        "2",
                        "send 1 or 0"),
                // AcquireLease: state
                bad(
                        "acquire: no network config",
                        World.NO_CONFIG,
                        acquire(r -> r),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "no network config"),
                // A full network (RESOURCE_EXHAUSTED): see aFullNetworkAnswersResourceExhausted.

                // RenewLease
                bad(
                        "renew: subnet /33",
                        World.VXLAN,
                        renew("10.0.0.0/33", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "0..32"),
                bad(
                        "renew: subnet banana",
                        World.VXLAN,
                        renew("banana", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "\"banana\""),
                bad(
                        "renew: subnet with host bits",
                        World.VXLAN,
                        renew("10.244.7.1/24", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "host bits",
                        HELD),
                bad(
                        "renew: empty subnet",
                        World.VXLAN,
                        renew("", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "not a CIDR"),
                bad(
                        "renew: empty node_name",
                        World.VXLAN,
                        renew(HELD, ""),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "required"),
                bad(
                        "renew: 300-character node_name",
                        World.VXLAN,
                        renew(HELD, LONG_NAME),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "at most 253"),
                bad(
                        "renew: a subnet nobody holds",
                        World.VXLAN,
                        renew("10.244.99.0/24", "holder"),
                        Status.Code.NOT_FOUND,
                        null,
                        "10.244.99.0/24"),
                bad(
                        "renew: an IPv6 subnet on an IPv4 network",
                        World.VXLAN,
                        renew("fd00::/64", "holder"),
                        Status.Code.NOT_FOUND,
                        null,
                        "fd00::/64"),
                bad(
                        "renew: another node's lease",
                        World.VXLAN,
                        renew(HELD, "intruder"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "\"intruder\"",
                        HELD,
                        "\"holder\""),

                // ReleaseLease
                bad(
                        "release: subnet /33",
                        World.VXLAN,
                        release("10.0.0.0/33", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "0..32"),
                bad(
                        "release: subnet banana",
                        World.VXLAN,
                        release("banana", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "\"banana\""),
                bad(
                        "release: subnet with host bits",
                        World.VXLAN,
                        release("10.244.7.1/24", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "host bits"),
                bad(
                        "release: empty subnet",
                        World.VXLAN,
                        release("", "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "not a CIDR"),
                bad(
                        "release: node_name with a slash",
                        World.VXLAN,
                        release(HELD, "rack/node"),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "\"rack/node\""),
                bad(
                        "release: a subnet nobody holds",
                        World.VXLAN,
                        release("10.244.99.0/24", "holder"),
                        Status.Code.NOT_FOUND,
                        null,
                        "10.244.99.0/24"),
                bad(
                        "release: another node's lease",
                        World.VXLAN,
                        release(HELD, "intruder"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "\"intruder\"",
                        HELD,
                        "\"holder\""),

                // GetLease
                bad(
                        "get: neither subnet nor node_name",
                        World.VXLAN,
                        get(GetLeaseRequest.getDefaultInstance()),
                        Status.Code.INVALID_ARGUMENT,
                        "key",
                        "subnet",
                        "node_name"),
                bad(
                        "get: subnet banana",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setSubnet("banana").build()),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "\"banana\""),
                bad(
                        "get: subnet with host bits",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder()
                                .setSubnet("10.244.7.1/24")
                                .build()),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "host bits"),
                bad(
                        "get: empty node_name",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setNodeName("").build()),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "required"),
                bad(
                        "get: 300-character node_name",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setNodeName(LONG_NAME).build()),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "at most 253"),
                bad(
                        "get: a subnet nobody holds",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder()
                                .setSubnet("10.244.99.0/24")
                                .build()),
                        Status.Code.NOT_FOUND,
                        null,
                        "10.244.99.0/24"),
                bad(
                        "get: a node holding nothing",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setNodeName("nobody").build()),
                        Status.Code.NOT_FOUND,
                        null,
                        "\"nobody\""),

                // ListLeases and WatchLeases
                bad(
                        "list: page_token banana",
                        World.VXLAN,
                        list("banana"),
                        Status.Code.INVALID_ARGUMENT,
                        "page_token",
                        "\"banana\"",
                        "next_page_token"),
                bad(
                        "list: negative page_token",
                        World.VXLAN,
                        list("-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "page_token",
                        "next_page_token"),
                bad(
                        "list: page_token beyond int",
                        World.VXLAN,
                        list("99999999999"),
                        Status.Code.INVALID_ARGUMENT,
                        "page_token",
                        "next_page_token"),
                bad(
                        "watch: start_revision -1",
                        World.VXLAN,
                        watch(-1),
                        Status.Code.INVALID_ARGUMENT,
                        "start_revision",
                        "-1",
                        "use 0"),
                bad(
                        "watch: start_revision Long.MIN_VALUE",
                        World.VXLAN,
                        watch(Long.MIN_VALUE),
                        Status.Code.INVALID_ARGUMENT,
                        "start_revision",
                        "negative"),
                bad(
                        "watch: start_revision Long.MAX_VALUE",
                        World.VXLAN,
                        watch(Long.MAX_VALUE),
                        Status.Code.INVALID_ARGUMENT,
                        "start_revision",
                        "9223372036854775807",
                        "ahead of etcd"),

                // Oversized strings, wrong families and out-of-range numbers in every lease call
                bad(
                        "acquire: 100000-character public_ip",
                        World.VXLAN,
                        acquire(r -> r.setPublicIp(HUGE)),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ip",
                        "100000 characters long",
                        "IPv4"),
                bad(
                        "acquire: 100000-character backend_type",
                        World.VXLAN,
                        acquire(r -> r.setBackendType(HUGE)),
                        Status.Code.INVALID_ARGUMENT,
                        "backend_type",
                        "is not supported",
                        "allowed: vxlan, host-gw"),
                bad(
                        "acquire: 100000-character previous_subnet",
                        World.VXLAN,
                        acquire(r -> r.setPreviousSubnet(HUGE)),
                        Status.Code.INVALID_ARGUMENT,
                        "previous_subnet",
                        "100000 characters long"),
                bad(
                        "acquire: 100000-character VTEP MAC",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1, HUGE))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vtep_mac",
                        "...\" is not a MAC address"),
                bad(
                        "acquire: MAC with hyphens",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1, "0a-58-0a-f4-01-01"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vtep_mac",
                        "not a MAC address like 0a:58:0a:f4:01:01"),
                bad(
                        "acquire: VNI 2^24 (out of VXLAN's range)",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(1 << 24, "0a:58:0a:f4:01:01"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vni",
                        "16777216",
                        "send 1 or 0"),
                bad(
                        "acquire: VNI 2^32-1 (shown unsigned)",
                        World.VXLAN,
                        acquire(r -> r.setVxlan(vtep(-1, "0a:58:0a:f4:01:01"))),
                        Status.Code.INVALID_ARGUMENT,
                        "vxlan.vni",
                        "4294967295",
                        "send 1 or 0"),
                bad(
                        "renew: 100000-character subnet",
                        World.VXLAN,
                        renew(HUGE, "holder"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "100000 characters long",
                        "not a CIDR"),
                bad(
                        "release: 100000-character node_name",
                        World.VXLAN,
                        release(HELD, HUGE),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "100000 characters long",
                        "at most 253"),
                bad(
                        "get: 100000-character subnet",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setSubnet(HUGE).build()),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "100000 characters long"),
                bad(
                        "get: an IPv6 subnet on an IPv4 network",
                        World.VXLAN,
                        get(GetLeaseRequest.newBuilder().setSubnet("fd00::/64").build()),
                        Status.Code.NOT_FOUND,
                        null,
                        "fd00::/64"),
                bad(
                        "list: 100000-character page_token",
                        World.VXLAN,
                        list(HUGE),
                        Status.Code.INVALID_ARGUMENT,
                        "page_token",
                        "next_page_token"),
                bad(
                        "watch: start_revision ahead of etcd",
                        World.VXLAN,
                        watch(1L << 40),
                        Status.Code.INVALID_ARGUMENT,
                        "start_revision",
                        "ahead of etcd's current revision"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leaseRequests")
    void aBadRequestFailsNamingTheFieldAndWritesNothing(Case bad) throws Exception {
        assertRefusedWritingNothing(bad);
    }

    @Test
    void theLongestAllowedNodeNameIsAccepted() {
        World.VXLAN.prepare(api);
        String longest = "n".repeat(253);

        Lease lease = api.leases().acquireLease(node(longest, "192.168.50.2")).getLease();

        assertThat(lease.getNodeName()).isEqualTo(longest);
        assertThat(api.leases()
                        .getLease(GetLeaseRequest.newBuilder()
                                .setNodeName(longest)
                                .build())
                        .getSubnet())
                .isEqualTo(lease.getSubnet());
    }

    @Test
    void aFullNetworkAnswersResourceExhausted() throws Exception {
        World.FULL.prepare(api);
        long revision = fixture.etcdRevision();

        assertThatThrownBy(() -> api.leases()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .acquireLease(node("newcomer", "192.168.50.9")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("IPv4", "SubnetMin and SubnetMax");
                });
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
    }

    @Test
    void aPageSizeAbove2To31ReturnsEveryLease() {
        World.VXLAN.prepare(api);
        for (int pageSize : new int[] {-1, Integer.MIN_VALUE}) {
            ListLeasesResponse page = api.leases()
                    .listLeases(
                            ListLeasesRequest.newBuilder().setPageSize(pageSize).build());
            assertThat(page.getLeasesList())
                    .extracting(Lease::getSubnet)
                    .as("page_size %s", Integer.toUnsignedString(pageSize))
                    .containsExactly(HELD);
            assertThat(page.getNextPageToken()).isEmpty();
        }
    }
}
