package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.DeleteReservationRequest;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.NetworkConfig;
import io.weft.api.v1.SetConfigRequest;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input to CreateReservation, DeleteReservation and the NetworkService. */
@Timeout(300)
class ReservationAndConfigBadInputIT extends BadInputSuite {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Override
    List<String> etcdEndpoints() {
        return ETCD.endpoints();
    }

    static Stream<Case> reservationAndConfigRequests() {
        return Stream.of(
                // CreateReservation and DeleteReservation
                bad(
                        "reserve: outside the network",
                        World.VXLAN,
                        reserve("10.99.0.0/24", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "10.99.0.0/24",
                        "a /24 between 10.244.1.0/24 and 10.244.255.0/24"),
                bad(
                        "reserve: the network's first subnet (below SubnetMin)",
                        World.VXLAN,
                        reserve("10.244.0.0/24", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "between 10.244.1.0/24"),
                bad(
                        "reserve: /25 on a /24 network",
                        World.VXLAN,
                        reserve("10.244.3.0/25", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "10.244.3.0/25",
                        "a /24"),
                bad(
                        "reserve: misaligned (host bits)",
                        World.VXLAN,
                        reserve("10.244.3.128/24", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "host bits",
                        "10.244.3.0/24"),
                bad(
                        "reserve: subnet /33",
                        World.VXLAN,
                        reserve("10.0.0.0/33", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "0..32"),
                bad(
                        "reserve: subnet banana",
                        World.VXLAN,
                        reserve("banana", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "\"banana\""),
                bad(
                        "reserve: empty subnet",
                        World.VXLAN,
                        reserve("", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "not a CIDR"),
                bad(
                        "reserve: IPv6 subnet on an IPv4 network",
                        World.VXLAN,
                        reserve("fd00::/64", "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "IPv4 subnet is required"),
                bad(
                        "reserve: IPv4 ipv6_subnet on a dual-stack network",
                        World.DUAL_STACK,
                        call(a -> a.leases()
                                .createReservation(CreateReservationRequest.newBuilder()
                                        .setSubnet("10.244.9.0/24")
                                        .setIpv6Subnet("10.244.10.0/24")
                                        .setNodeName("db-1")
                                        .build())),
                        Status.Code.INVALID_ARGUMENT,
                        "ipv6_subnet",
                        "IPv6 subnet is required"),
                bad(
                        "reserve: ipv6_subnet outside the IPv6 network",
                        World.DUAL_STACK,
                        call(a -> a.leases()
                                .createReservation(CreateReservationRequest.newBuilder()
                                        .setSubnet("10.244.9.0/24")
                                        .setIpv6Subnet("fd00:99::/64")
                                        .setNodeName("db-1")
                                        .build())),
                        Status.Code.INVALID_ARGUMENT,
                        "ipv6_subnet",
                        "fd00:99::/64",
                        "a /64 between"),
                bad(
                        "reserve: empty node_name",
                        World.VXLAN,
                        reserve("10.244.9.0/24", ""),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "required"),
                bad(
                        "reserve: IPv6 public_ip",
                        World.VXLAN,
                        call(a -> a.leases()
                                .createReservation(CreateReservationRequest.newBuilder()
                                        .setSubnet("10.244.9.0/24")
                                        .setNodeName("db-1")
                                        .setPublicIp("fd00::9")
                                        .build())),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ip",
                        "IPv4 address is required"),
                bad(
                        "reserve: a subnet another node holds",
                        World.VXLAN,
                        reserve(HELD, "db-1"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        HELD,
                        "\"holder\""),
                bad(
                        "reserve: a second subnet for a node that holds one",
                        World.VXLAN,
                        reserve("10.244.9.0/24", "holder"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "\"holder\"",
                        HELD),
                bad(
                        "reserve: an IPv6 subnet another node holds",
                        World.DUAL_STACK,
                        call(a -> a.leases()
                                .createReservation(CreateReservationRequest.newBuilder()
                                        .setSubnet("10.244.9.0/24")
                                        .setIpv6Subnet(HELD_V6)
                                        .setNodeName("db-1")
                                        .build())),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "not free"),
                bad(
                        "reserve: no network config",
                        World.NO_CONFIG,
                        reserve("10.244.9.0/24", "db-1"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "no network config"),
                bad(
                        "reserve: 100000-character subnet",
                        World.VXLAN,
                        reserve(HUGE, "db-1"),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "100000 characters long"),
                bad(
                        "reserve: 100000-character node_name",
                        World.VXLAN,
                        reserve("10.244.9.0/24", HUGE),
                        Status.Code.INVALID_ARGUMENT,
                        "node_name",
                        "100000 characters long",
                        "at most 253"),
                bad(
                        "reserve: public_ip banana",
                        World.VXLAN,
                        call(a -> a.leases()
                                .createReservation(CreateReservationRequest.newBuilder()
                                        .setSubnet("10.244.9.0/24")
                                        .setNodeName("db-1")
                                        .setPublicIp("banana")
                                        .build())),
                        Status.Code.INVALID_ARGUMENT,
                        "public_ip",
                        "\"banana\"",
                        "IPv4"),
                bad(
                        "unreserve: empty subnet",
                        World.VXLAN,
                        call(a -> a.leases()
                                .deleteReservation(DeleteReservationRequest.newBuilder()
                                        .setSubnet("")
                                        .build())),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "not a CIDR"),
                bad(
                        "unreserve: subnet banana",
                        World.VXLAN,
                        call(a -> a.leases()
                                .deleteReservation(DeleteReservationRequest.newBuilder()
                                        .setSubnet("banana")
                                        .build())),
                        Status.Code.INVALID_ARGUMENT,
                        "subnet",
                        "\"banana\""),
                bad(
                        "unreserve: an ordinary lease",
                        World.VXLAN,
                        call(a -> a.leases()
                                .deleteReservation(DeleteReservationRequest.newBuilder()
                                        .setSubnet(HELD)
                                        .build())),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        HELD,
                        "not a reservation"),
                bad(
                        "unreserve: nobody holds it",
                        World.VXLAN,
                        call(a -> a.leases()
                                .deleteReservation(DeleteReservationRequest.newBuilder()
                                        .setSubnet("10.244.200.0/24")
                                        .build())),
                        Status.Code.NOT_FOUND,
                        null,
                        "10.244.200.0/24"),

                // NetworkService
                bad(
                        "get config: none set",
                        World.NO_CONFIG,
                        call(a -> a.network().getConfig(GetConfigRequest.getDefaultInstance())),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "no network config"),
                bad(
                        "set config: not JSON",
                        World.VXLAN,
                        setConfig("{\"Network\": "),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "not valid JSON"),
                bad("set config: empty", World.VXLAN, setConfig(""), Status.Code.INVALID_ARGUMENT, "json", "empty"),
                bad(
                        "set config: SubnetLen 31",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "SubnetLen",
                        "31",
                        "allowed 18..30"),
                bad(
                        "set config: backend udp",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"udp\"}}"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "Backend.Type",
                        "\"udp\"",
                        "allowed: vxlan, host-gw"),
                bad(
                        "set config: no Backend",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\"}"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "Backend",
                        "missing",
                        "vxlan, host-gw"),
                bad(
                        "set config: IPv6 Network",
                        World.VXLAN,
                        setConfig("{\"Network\":\"fd00::/48\",\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "Network",
                        "IPv6Network"),
                bad(
                        "set config: VNI 2^24",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":16777216}}"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "VNI",
                        "16777216",
                        "allowed 0..16777215"),
                bad(
                        "set config: a JSON array",
                        World.VXLAN,
                        setConfig("[1,2]"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "JSON object"),
                bad(
                        "set config: every problem at once",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"udp\"}}"),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "SubnetLen",
                        "Backend.Type"),
                bad(
                        "set config: over 64 KiB",
                        World.VXLAN,
                        setConfig(padded(64 * 1024 + 1, 'x')),
                        Status.Code.INVALID_ARGUMENT,
                        "json",
                        "65537",
                        "at most 65536"),
                bad(
                        "set config: strands a lease (new network)",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.245.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        "1 existing lease",
                        HELD,
                        "force"),
                bad(
                        "set config: strands a lease (new SubnetLen)",
                        World.VXLAN,
                        setConfig("{\"Network\":\"10.244.0.0/16\",\"SubnetLen\":25,\"Backend\":{\"Type\":\"vxlan\"}}"),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        HELD,
                        "force"),
                bad(
                        "set config: strands an IPv6 lease (IPv6 disabled)",
                        World.DUAL_STACK,
                        setConfig(VXLAN_NETWORK),
                        Status.Code.FAILED_PRECONDITION,
                        null,
                        HELD,
                        "force"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reservationAndConfigRequests")
    void aBadRequestFailsNamingTheFieldAndWritesNothing(Case bad) throws Exception {
        assertRefusedWritingNothing(bad);
    }

    @Test
    void aLeaseTtlOutOfRangeIsRefusedBeforeTheServerStarts() {
        for (Duration ttl : new Duration[] {Duration.ofSeconds(4), Duration.ofDays(366)}) {
            assertThatThrownBy(() -> AllocatorServer.builder()
                            .etcdEndpoints(ETCD.endpoints())
                            .leaseTtl(ttl)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--lease-ttl " + ttl.toSeconds() + "s is out of range; allowed 5s..365d");
        }
    }

    @Test
    void setConfigWithForceStoresARangeThatStrandsALease() throws Exception {
        World.VXLAN.prepare(api);
        String moved = "{\"Network\":\"10.245.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

        NetworkConfig stored = api.network()
                .setConfig(SetConfigRequest.newBuilder()
                        .setJson(moved)
                        .setForce(true)
                        .build());

        assertThat(stored.getNetwork()).isEqualTo("10.245.0.0/16");
        assertThat(stored.getModRevision()).isEqualTo(fixture.etcdRevision());
        assertThat(fixture.etcdContents())
                .containsEntry(fixture.prefix + "/config", moved)
                .containsKey(fixture.prefix + "/subnets/10.244.7.0-24");
        assertThat(api.network()
                        .getConfig(GetConfigRequest.getDefaultInstance())
                        .getJson())
                .isEqualTo(moved);
        assertThat(api.leases()
                        .listLeases(ListLeasesRequest.getDefaultInstance())
                        .getLeasesList())
                .extracting(Lease::getSubnet)
                .containsExactly(HELD);
    }

    @Test
    void reacquiringAnUnchangedReservationAnswers() {
        World.VXLAN.prepare(api);
        api.leases()
                .createReservation(CreateReservationRequest.newBuilder()
                        .setSubnet("10.244.9.0/24")
                        .setNodeName("db-1")
                        .build());
        assertThat(api.leases().acquireLease(node("db-1", "192.168.50.9")).getSource())
                .isEqualTo("reservation");

        assertThat(api.leases()
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .acquireLease(node("db-1", "192.168.50.9"))
                        .getLease()
                        .getSubnet())
                .isEqualTo("10.244.9.0/24");
    }

    @Test
    void aConfigOver64KiBOfUtf8IsRefusedEvenWithFewerCharacters() throws Exception {
        World.VXLAN.prepare(api);
        String json = padded(30_000, '€');
        assertThat(json.length()).isLessThan(64 * 1024);
        assertThat(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isGreaterThan(64 * 1024);
        long revision = fixture.etcdRevision();

        assertThatThrownBy(() -> api.network()
                        .setConfig(SetConfigRequest.newBuilder().setJson(json).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .startsWith("json: ")
                            .contains("65536");
                });
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
    }

    @Test
    void aMalformedIpv6SubnetIsRejectedOnAnIpv4OnlyNetwork() throws Exception {
        World.VXLAN.prepare(api);
        long revision = fixture.etcdRevision();

        assertThatThrownBy(() -> api.leases()
                        .createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.9.0/24")
                                .setIpv6Subnet("banana")
                                .setNodeName("db-1")
                                .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("ipv6_subnet: ");
                });
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
    }

    @Test
    void aRefusedDualStackReservationLeavesItsIpv4SubnetFree() {
        World.DUAL_STACK.prepare(api);
        assertThatThrownBy(() -> api.leases()
                        .createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.9.0/24")
                                .setIpv6Subnet(HELD_V6)
                                .setNodeName("db-1")
                                .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

        Lease reserved = api.leases()
                .createReservation(CreateReservationRequest.newBuilder()
                        .setSubnet("10.244.9.0/24")
                        .setIpv6Subnet("fd00:10:244:9::/64")
                        .setNodeName("db-1")
                        .build());

        assertThat(reserved.getSubnet()).isEqualTo("10.244.9.0/24");
        assertThat(reserved.getReserved()).isTrue();
    }
}
