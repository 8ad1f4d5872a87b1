package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.ListLeasesResponse;
import io.weft.client.LiveAllocator;
import io.weft.client.WeftClient;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** weftctl against a real allocator-server and etcd. */
@Timeout(120)
class WeftctlIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String CONFIG =
            "{\"Network\":\"10.250.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"host-gw\"}}";

    @Test
    void configSetThenLeasesAsJson(@TempDir Path dir) throws Exception {
        try (LiveAllocator allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1));
                WeftClient client = WeftClient.connect(List.of(allocator.address()))) {
            String server = allocator.address().toString();
            Path file = Files.writeString(dir.resolve("net-conf.json"), CONFIG);

            WeftctlRun set = WeftctlRun.of("--server", server, "config", "set", file.toString());
            assertThat(set.exitCode()).as(set.err()).isZero();
            assertThat(set.out()).contains("network 10.250.0.0/16 with /24 subnets", "backend host-gw");
            assertThat(WeftctlRun.of("--server", server, "config", "get").out().strip())
                    .isEqualTo(CONFIG);

            Lease lease = client.acquire(AcquireLeaseRequest.newBuilder()
                            .setNodeName("node-a")
                            .setPublicIp("192.0.2.1")
                            .setBackendType("host-gw")
                            .build())
                    .getLease();

            WeftctlRun leases = WeftctlRun.of("--server", server, "leases", "-o", "json");
            assertThat(leases.exitCode()).as(leases.err()).isZero();
            ListLeasesResponse.Builder parsed = ListLeasesResponse.newBuilder();
            JsonFormat.parser().merge(leases.out(), parsed);
            assertThat(parsed.getLeasesList()).singleElement().satisfies(listed -> {
                assertThat(listed.getSubnet()).isEqualTo(lease.getSubnet());
                assertThat(listed.getNodeName()).isEqualTo("node-a");
                assertThat(listed.getPublicIp()).isEqualTo("192.0.2.1");
            });

            WeftctlRun table = WeftctlRun.of("--server", server, "leases");
            assertThat(table.outLines()).hasSize(2);
            assertThat(table.outLines().get(1)).startsWith(lease.getSubnet()).contains("node-a");
        }
    }

    @Test
    void anInvalidConfigIsOneLineAndExitCodeOne(@TempDir Path dir) throws Exception {
        try (LiveAllocator allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1))) {
            Path file = Files.writeString(
                    dir.resolve("bad.json"), "{\"Network\":\"10.0.0.1/33\",\"Backend\":{\"Type\":\"host-gw\"}}");

            WeftctlRun run =
                    WeftctlRun.of("--server", allocator.address().toString(), "config", "set", file.toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.errLines()).singleElement().asString().startsWith("weftctl: INVALID_ARGUMENT: ");
        }
    }
}
