package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.util.JsonFormat;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.PutOption;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CheckResponse;
import io.weft.api.v1.Problem;
import io.weft.api.v1.VxlanBackendData;
import io.weft.client.LiveAllocator;
import io.weft.client.WeftClient;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code weftctl check} against a real allocator-server and etcd: a clean network passes, and
 * every problem, written into etcd by hand as an outsider would, is reported with its kind,
 * through plain gRPC and through weftctl; the check writes nothing. (A key outliving its etcd
 * lease cannot be made in a healthy etcd: ConsistencyCheckTest proves that rule.)
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WeftctlCheckIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String CONFIG = """
            {"Network":"10.250.0.0/16","SubnetMin":"10.250.1.0","SubnetMax":"10.250.100.0",\
            "Backend":{"Type":"vxlan"}}""";

    @Test
    @Order(1)
    void aCleanNetworkIsOkWithExitCodeZero() throws Exception {
        try (LiveAllocator allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1));
                WeftClient client = WeftClient.connect(List.of(allocator.address()))) {
            client.setConfig(CONFIG, false);
            acquire(client, "node-a", "192.0.2.1", "aa:00:00:00:00:01");
            client.release(acquire(client, "node-b", "192.0.2.2", "aa:00:00:00:00:02"), "node-b");

            WeftctlRun run = WeftctlRun.of("--server", allocator.address().toString(), "check");

            assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
            assertThat(run.outLines())
                    .singleElement()
                    .asString()
                    .startsWith("ok: 1 lease, 0 reservations, 3 claim keys, ")
                    .contains("checked at revision ");
        }
    }

    @Test
    @Order(2)
    void everyProblemMadeByHandIsReportedAndNothingChanges() throws Exception {
        try (LiveAllocator allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1));
                WeftClient client = WeftClient.connect(List.of(allocator.address()));
                Client etcd = Client.builder()
                        .endpoints(ETCD.endpoints().toArray(String[]::new))
                        .build()) {
            client.setConfig(CONFIG, false);
            // A subnet none of the keys written by hand below uses, so none overwrites this lease.
            String a = acquire(client, "node-a", "192.0.2.1", "aa:00:00:00:00:01", "10.250.60.0/24");
            assertThat(a).isEqualTo("10.250.60.0/24");
            String p = allocator.prefix();
            KV kv = etcd.getKVClient();
            long outsider = etcd.getLeaseClient().grant(600).get().getID();
            long keyless = etcd.getLeaseClient().grant(3600).get().getID();
            try {
                put(kv, p + "/subnets/10.250.7.0-24", lease("node-a", "192.0.2.7", "aa:00:00:00:00:07"), outsider);
                put(kv, p + "/subnets/10.250.8.0-24", lease("node-b", "192.0.2.8", "aa:00:00:00:00:08"), outsider);
                put(kv, p + "/subnets/10.250.9.0-24", flanneld("192.0.2.8"), outsider);
                put(kv, p + "/subnets/10.99.0.0-24", lease("node-c", "192.0.2.10", ""), outsider);
                put(kv, p + "/subnets/10.250.200.0-24", lease("node-d", "192.0.2.11", ""), outsider);
                put(kv, p + "/subnets/10.250.20.0-23", lease("node-r", "192.0.2.12", ""), 0);
                put(kv, p + "/subnets/10.250.21.0-24", lease("node-e", "192.0.2.13", ""), outsider);
                put(kv, p + "/subnets/10.250.30.0-24", "not json", outsider);
                put(kv, p + "/weft/nodes/node-gone", "10.250.40.0-24", outsider);
                put(kv, p + "/weft/addresses/public-ip/192.0.2.99", "node-gone", outsider);
                long before = revision(kv);

                CheckResponse answer = client.check();
                WeftctlRun text = WeftctlRun.of("--server", allocator.address().toString(), "check");
                WeftctlRun json = WeftctlRun.of("--server", allocator.address().toString(), "check", "-o", "json");

                assertThat(revision(kv)).as("the check wrote nothing").isEqualTo(before);
                assertThat(answer.getRevision()).isEqualTo(before);
                assertThat(answer.getProblemsList())
                        .extracting(Problem::getKind, Problem::getSubject)
                        .containsExactlyInAnyOrder(
                                tuple("DUPLICATE_ADDRESS", "192.0.2.8"),
                                tuple("DUPLICATE_NODE", "node-a"),
                                tuple("KEYLESS_ETCD_LEASE", Long.toHexString(keyless)),
                                tuple("OUTSIDE_NETWORK", "10.99.0.0/24"),
                                tuple("OUTSIDE_RANGE", "10.250.200.0/24"),
                                tuple("OUTSIDE_RANGE", "10.250.20.0/23"),
                                tuple("RESERVATION_OVERLAP", "10.250.21.0/24"),
                                tuple("STALE_ADDRESS_CLAIM", p + "/weft/addresses/public-ip/192.0.2.99"),
                                tuple("STALE_NODE_CLAIM", p + "/weft/nodes/node-gone"),
                                tuple("UNREADABLE_KEY", p + "/subnets/10.250.30.0-24"));
                assertThat(answer.getProblemsList())
                        .filteredOn(problem -> problem.getKind().equals("DUPLICATE_NODE"))
                        .singleElement()
                        .satisfies(problem -> {
                            assertThat(problem.getDetail()).contains(a, "10.250.7.0/24");
                            assertThat(problem.getAction()).startsWith("its claim names " + a + ": keep that one");
                        });

                assertThat(text.exitCode()).isEqualTo(1);
                assertThat(text.outLines()).hasSize(answer.getProblemsCount() + 1);
                for (int i = 0; i < answer.getProblemsCount(); i++) {
                    Problem problem = answer.getProblemsList().get(i);
                    assertThat(text.outLines().get(i))
                            .startsWith(problem.getKind() + " " + problem.getSubject() + ": ")
                            .endsWith("; do: " + problem.getAction());
                }
                assertThat(text.outLines().getLast()).startsWith("10 problems in 7 leases, 1 reservation, ");

                assertThat(json.exitCode()).isEqualTo(1);
                CheckResponse.Builder parsed = CheckResponse.newBuilder();
                JsonFormat.parser().merge(json.out(), parsed);
                // Compared without details: a keyless etcd lease's seconds left go on ticking.
                assertThat(parsed.getProblemsList())
                        .extracting(Problem::getKind, Problem::getSubject)
                        .containsExactlyElementsOf(answer.getProblemsList().stream()
                                .map(problem -> tuple(problem.getKind(), problem.getSubject()))
                                .toList());
            } finally {
                etcd.getLeaseClient().revoke(keyless).get();
                etcd.getLeaseClient().revoke(outsider).get();
            }
        }
    }

    @Test
    @Order(3)
    void anUnknownOutputFormatIsOneLineAndExitCodeTwo() {
        WeftctlRun run = WeftctlRun.of("--server", "127.0.0.1:1", "check", "-o", "yaml");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines())
                .singleElement()
                .asString()
                .startsWith("weftctl: ")
                .contains("yaml");
    }

    private static String acquire(WeftClient client, String node, String publicIp, String mac) {
        return acquire(client, node, publicIp, mac, "");
    }

    private static String acquire(WeftClient client, String node, String publicIp, String mac, String previous) {
        return client.acquire(AcquireLeaseRequest.newBuilder()
                        .setNodeName(node)
                        .setPublicIp(publicIp)
                        .setPreviousSubnet(previous)
                        .setBackendType("vxlan")
                        .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac))
                        .build())
                .getLease()
                .getSubnet();
    }

    private static String lease(String node, String publicIp, String mac) {
        String backend = mac.isEmpty() ? "" : ",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"" + mac + "\"}";
        return "{\"PublicIP\":\"" + publicIp + "\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\"" + backend
                + ",\"NodeName\":\"" + node + "\"}";
    }

    private static String flanneld(String publicIp) {
        return "{\"PublicIP\":\"" + publicIp + "\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\"}";
    }

    private static void put(KV kv, String key, String value, long etcdLease) throws Exception {
        PutOption option = etcdLease == 0
                ? PutOption.DEFAULT
                : PutOption.builder().withLeaseId(etcdLease).build();
        kv.put(bytes(key), bytes(value), option).get();
    }

    private static long revision(KV kv) throws Exception {
        return kv.get(bytes("/")).get().getHeader().getRevision();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
