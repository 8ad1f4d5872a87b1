package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.options.PutOption;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.config.json.Json;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** flanneld and weft share one prefix: each reads the other's keys and values. */
@Timeout(120)
class FlannelCompatIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String FLANNEL_VALUE = "{\"PublicIP\":\"192.168.64.3\",\"PublicIPv6\":null,"
            + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}";

    @Test
    void aLeaseWrittenByFlanneldIsReadAndWeftWritesFlannelShapes() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            long etcdLease = fixture.etcd
                    .getLeaseClient()
                    .grant(3600)
                    .get(10, TimeUnit.SECONDS)
                    .getID();
            fixture.etcd
                    .getKVClient()
                    .put(
                            AllocatorFixture.bytes(fixture.prefix + "/subnets/10.244.1.0-24"),
                            AllocatorFixture.bytes(FLANNEL_VALUE),
                            PutOption.builder().withLeaseId(etcdLease).build())
                    .get(10, TimeUnit.SECONDS);
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(leases.listLeases(ListLeasesRequest.getDefaultInstance())
                                    .getLeasesList())
                            .hasSize(1));
            Lease flannel =
                    leases.listLeases(ListLeasesRequest.getDefaultInstance()).getLeases(0);
            assertThat(flannel.getSubnet()).isEqualTo("10.244.1.0/24");
            assertThat(flannel.getPublicIp()).isEqualTo("192.168.64.3");
            assertThat(flannel.getNodeName()).isEmpty();
            assertThat(flannel.getBackendType()).isEqualTo("vxlan");
            assertThat(flannel.getVxlan().getVni()).isEqualTo(1);
            assertThat(flannel.getVxlan().getVtepMac()).isEqualTo("c6:d2:32:6f:8f:44");
            assertThat(flannel.getReserved()).isFalse();

            AcquireLeaseResponse mine = leases.acquireLease(AllocatorFixture.vxlanNode("weft-1", "192.168.64.4"));
            assertThat(mine.getLease().getSubnet()).isNotEqualTo("10.244.1.0/24");
            String key =
                    fixture.prefix + "/subnets/" + mine.getLease().getSubnet().replace('/', '-');
            assertThat(key).matches(".*/subnets/10\\.244\\.\\d+\\.0-24");
            @SuppressWarnings("unchecked")
            Map<String, Object> value =
                    (Map<String, Object>) Json.parse(fixture.etcdContents().get(key));
            assertThat(value.keySet())
                    .containsExactlyInAnyOrder("PublicIP", "PublicIPv6", "BackendType", "BackendData", "NodeName");
            assertThat(value.get("PublicIP")).isEqualTo("192.168.64.4");
            assertThat(value.containsKey("PublicIPv6")).isTrue();
            assertThat(value.get("PublicIPv6")).isNull();
            assertThat(value.get("BackendType")).isEqualTo("vxlan");
            @SuppressWarnings("unchecked")
            Map<String, Object> backendData = (Map<String, Object>) value.get("BackendData");
            assertThat(backendData.keySet()).containsExactly("VNI", "VtepMAC");
            assertThat(((Number) backendData.get("VNI")).longValue()).isEqualTo(1);
            assertThat(backendData.get("VtepMAC"))
                    .isEqualTo(mine.getLease().getVxlan().getVtepMac());
            assertThat(fixture.etcdLeaseOf(key)).isNotZero();

            // flanneld's node restarting as a weft node (same public IP) keeps its subnet.
            AcquireLeaseResponse adopted =
                    leases.acquireLease(AllocatorFixture.vxlanNode("old-flannel", "192.168.64.3"));
            assertThat(adopted.getLease().getSubnet()).isEqualTo("10.244.1.0/24");
            assertThat(adopted.getSource()).isEqualTo("existing");
        }
    }

    @Test
    void garbageUnderThePrefixIsSkippedAndNeverRemovesValidLeases() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            Lease good = leases.acquireLease(AllocatorFixture.vxlanNode("good", "192.168.64.9").toBuilder()
                            .setPreviousSubnet("10.244.1.0/24")
                            .build())
                    .getLease();
            assertThat(good.getSubnet()).isEqualTo("10.244.1.0/24");
            for (Map.Entry<String, String> garbage : Map.of(
                            "/subnets/10.244.9.0-24", "{not json",
                            "/subnets/not-a-subnet", FLANNEL_VALUE,
                            "/subnets/10.244.10.0-24", "[1,2,3]",
                            "/unrelated", "hello")
                    .entrySet()) {
                fixture.etcd
                        .getKVClient()
                        .put(
                                AllocatorFixture.bytes(fixture.prefix + garbage.getKey()),
                                AllocatorFixture.bytes(garbage.getValue()))
                        .get(10, TimeUnit.SECONDS);
            }
            AllocatorServer restarted = fixture.startServer(Duration.ofHours(1));
            for (AllocatorServer each : List.of(server, restarted)) {
                assertThat(fixture.leases(each)
                                .listLeases(ListLeasesRequest.getDefaultInstance())
                                .getLeasesList())
                        .extracting(Lease::getSubnet)
                        .containsExactly(good.getSubnet());
            }
        }
    }
}
