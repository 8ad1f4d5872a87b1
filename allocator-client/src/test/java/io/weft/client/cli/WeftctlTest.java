package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.weft.api.v1.Lease;
import io.weft.api.v1.ListLeasesResponse;
import io.weft.client.FakeLeaseService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** weftctl's exit codes, one-line errors and output, against fake services on a loopback port. */
@Timeout(60)
class WeftctlTest {

    private static final String CONFIG = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

    private final FakeLeaseService leases = new FakeLeaseService(Instant::now, Duration.ofHours(24));
    private final FakeNetworkService network = new FakeNetworkService();
    private Server server;
    private String address;

    @BeforeEach
    void startServer() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(leases)
                .addService(network)
                .build()
                .start();
        address = "127.0.0.1:" + server.getPort();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    // ---- usage errors: exit 2, one line ending with where help is -----------------------------

    @Test
    void anUnknownOptionIsAUsageErrorOnOneLineWithAHint() {
        WeftctlRun run = WeftctlRun.of("--server", address, "leases", "--colour");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).containsExactly("weftctl: Unknown option: '--colour' (see 'weftctl leases --help')");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        WeftctlRun run = WeftctlRun.of("lesaes");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("; did you mean leases");
    }

    @Test
    void aGroupWithoutItsSubcommandIsAUsageError() {
        WeftctlRun run = WeftctlRun.of("config");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().endsWith("(see 'weftctl config --help')");
    }

    @Test
    void leaseGetNeedsExactlyOneKey() {
        assertThat(WeftctlRun.of("--server", address, "lease", "get").exitCode())
                .isEqualTo(2);
        WeftctlRun both =
                WeftctlRun.of("--server", address, "lease", "get", "--subnet", "10.244.1.0/24", "--node", "a");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines()).singleElement().asString().contains("mutually exclusive");
    }

    @Test
    void aMalformedServerAddressIsAUsageError() {
        WeftctlRun run = WeftctlRun.of("--server", "127.0.0.1:http", "leases");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("port \"http\" is not a number");
    }

    @Test
    void theTimeoutTakesAGoDurationOrPlainSeconds() {
        assertThat(WeftctlRun.of("--server", address, "--timeout", "1m30s", "usage")
                        .exitCode())
                .isZero();
        assertThat(WeftctlRun.of("--server", address, "--timeout", "500ms", "usage")
                        .exitCode())
                .isZero();
        assertThat(WeftctlRun.of("--server", address, "--timeout", "5", "usage").exitCode())
                .isZero();
        WeftctlRun bad = WeftctlRun.of("--server", address, "--timeout", "soon", "usage");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.errLines())
                .singleElement()
                .asString()
                .startsWith("weftctl: Invalid value for option '--timeout': \"soon\" is not a duration");
    }

    @Test
    void aMissingConfigFileIsAUsageError(@TempDir Path dir) {
        WeftctlRun run = WeftctlRun.of(
                "--server", address, "config", "set", dir.resolve("absent.json").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines())
                .singleElement()
                .asString()
                .endsWith("absent.json: no such file (see 'weftctl config set --help')");
        assertThat(network.setConfigs).isEmpty();
    }

    // ---- server errors: exit 1, one line ----------------------------------------------------

    @Test
    void aServerErrorIsOneLineWithItsCode(@TempDir Path dir) throws IOException {
        network.failWith(Status.INVALID_ARGUMENT.withDescription("subnet: \"10.0.0.1/33\" is not a CIDR"));
        Path file = Files.writeString(dir.resolve("net-conf.json"), CONFIG);

        WeftctlRun run = WeftctlRun.of("--server", address, "config", "set", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("weftctl: INVALID_ARGUMENT: subnet: \"10.0.0.1/33\" is not a CIDR" + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMultiLineServerMessageIsFoldedOntoOneLine() {
        network.failWith(Status.INVALID_ARGUMENT.withDescription("Network: missing\nSubnetLen: 33 > 32"));

        WeftctlRun run = WeftctlRun.of("--server", address, "usage");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("weftctl: INVALID_ARGUMENT: Network: missing; SubnetLen: 33 > 32");
    }

    @Test
    void aLeaseThatDoesNotExistIsNotFound() {
        WeftctlRun run = WeftctlRun.of("--server", address, "lease", "get", "--node", "ghost");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).containsExactly("weftctl: NOT_FOUND: no such lease");
    }

    @Test
    void anUnreachableServerIsOneLineNamingUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        WeftctlRun run = WeftctlRun.of("--server", "127.0.0.1:" + closedPort, "leases");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().startsWith("weftctl: UNAVAILABLE");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    // ---- output -----------------------------------------------------------------------------

    @Test
    void configSetReadsStdinAndPassesForce() {
        WeftctlRun run = WeftctlRun.withStdin(CONFIG, "--server", address, "config", "set", "-", "--force");

        assertThat(run.exitCode()).isZero();
        assertThat(network.setConfigs).singleElement().satisfies(request -> {
            assertThat(request.getJson()).isEqualTo(CONFIG);
            assertThat(request.getForce()).isTrue();
        });
        assertThat(run.out()).contains("revision 7", "network 10.244.0.0/16 with /24 subnets", "backend vxlan");

        WeftctlRun get = WeftctlRun.of("--server", address, "config", "get");
        assertThat(get.outLines()).containsExactly(CONFIG);
    }

    @Test
    void leasesPrintsATable() {
        leases.put(Lease.newBuilder()
                .setSubnet("10.244.1.0/24")
                .setNodeName("node-a")
                .setPublicIp("192.0.2.1")
                .setBackendType("vxlan")
                .setExpireTime(FakeLeaseService.timestamp(Instant.now().plus(Duration.ofHours(5))))
                .build());
        leases.put(Lease.newBuilder()
                .setSubnet("10.244.2.0/24")
                .setNodeName("node-b")
                .setPublicIp("192.0.2.2")
                .setReserved(true)
                .build());

        WeftctlRun run = WeftctlRun.of("leases", "--server", address);

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.outLines().get(0)).startsWith("SUBNET").contains("NODE", "EXPIRES");
        assertThat(run.outLines().get(1))
                .startsWith("10.244.1.0/24")
                .contains("node-a", "192.0.2.1")
                .containsPattern("4h59m$");
        assertThat(run.outLines().get(2)).startsWith("10.244.2.0/24").endsWith("reserved");
    }

    @Test
    void leasesAsJsonIsTheApiMessage() throws Exception {
        Lease lease = Lease.newBuilder()
                .setSubnet("10.244.1.0/24")
                .setNodeName("node-a")
                .build();
        leases.put(lease);

        WeftctlRun run = WeftctlRun.of("--server", address, "leases", "-o", "json");

        assertThat(run.exitCode()).isZero();
        ListLeasesResponse.Builder parsed = ListLeasesResponse.newBuilder();
        JsonFormat.parser().merge(run.out(), parsed);
        assertThat(parsed.getLeasesList()).containsExactly(lease);
        assertThat(parsed.getRevision()).isEqualTo(100);
    }

    @Test
    void reserveReleaseAndUsagePrintWhatHappened() {
        WeftctlRun add = WeftctlRun.of(
                "--server", address, "reserve", "add", "10.244.9.0/24", "--node", "node-c", "--public-ip", "192.0.2.9");
        assertThat(add.exitCode()).isZero();
        assertThat(add.out()).contains("reserved 10.244.9.0/24 for node-c");
        assertThat(leases.lease("10.244.9.0/24").getPublicIp()).isEqualTo("192.0.2.9");

        WeftctlRun remove = WeftctlRun.of("--server", address, "reserve", "remove", "10.244.9.0/24");
        assertThat(remove.exitCode()).isZero();
        assertThat(leases.lease("10.244.9.0/24")).isNull();

        leases.put(Lease.newBuilder()
                .setSubnet("10.244.4.0/24")
                .setNodeName("node-d")
                .build());
        WeftctlRun release = WeftctlRun.of("--server", address, "lease", "release", "10.244.4.0/24");
        assertThat(release.out()).contains("released 10.244.4.0/24 at revision 42");

        WeftctlRun usage = WeftctlRun.of("--server", address, "usage");
        assertThat(usage.outLines()).hasSize(2);
        assertThat(usage.outLines().get(1).split("\\s+")).containsExactly("ipv4", "256", "3", "1", "252");
    }

    @Test
    void helpGoesToStdoutAndExitsZero() {
        WeftctlRun run = WeftctlRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("leases", "watch", "--server");
        assertThat(run.err()).isEmpty();
    }
}
