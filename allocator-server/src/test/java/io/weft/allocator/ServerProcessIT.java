package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher, bin/weft-allocator, as an operator runs it: without etcd endpoints it
 * starts its own etcd under --data-dir, serves gRPC and HTTP, and on SIGTERM stops cleanly and
 * takes its etcd with it. Needs the module packaged (target/runtime-classpath.txt), which
 * {@code mvn verify} does before the integration tests.
 */
@Timeout(180)
class ServerProcessIT {

    private static final Path LAUNCHER = Path.of("..", "bin", "weft-allocator").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    private Path dataDir;
    private Path log;
    private final List<Process> launched = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void paths() {
        assertThat(LAUNCHER).isExecutable();
        dataDir = temp.resolve("data");
        log = temp.resolve("launcher.log");
    }

    @AfterEach
    void killLeftovers() {
        // Only what this test started: the launchers and whatever they spawned.
        for (Process process : launched) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        http.close();
    }

    @Test
    void servesWithItsOwnEtcdAndStopsBothOnSigterm() throws Exception {
        int grpcPort = freePort();
        int httpPort = freePort();
        Process process = launch("--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + grpcPort,
                "--http-listen", "127.0.0.1:" + httpPort);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(process.isAlive()).as("launcher exited early:%n%s", output()).isTrue();
            return status(httpPort, "/readyz") == 200;
        });
        List<ProcessHandle> etcd = process.descendants().filter(processesMentioning(dataDir)::contains).toList();
        assertThat(etcd).as("the local etcd: a child of the launcher with its data under %s", dataDir).isNotEmpty();

        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            NetworkServiceGrpc.NetworkServiceBlockingStub network =
                    NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            network.setConfig(SetConfigRequest.newBuilder()
                    .setJson("{\"Network\":\"10.77.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}").build());
            Lease lease = LeaseServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquireLease(AllocatorFixture.vxlanNode("proc-node", "192.168.77.1")).getLease();
            assertThat(lease.getSubnet()).startsWith("10.77.");
            assertThat(network.getUsage(GetUsageRequest.getDefaultInstance()).getFamiliesList()).singleElement()
                    .satisfies(usage -> {
                        assertThat(usage.getFamily()).isEqualTo("ipv4");
                        assertThat(usage.getCapacity()).isEqualTo(255);
                        assertThat(usage.getLeased()).isEqualTo(1);
                        assertThat(usage.getFree()).isEqualTo(254);
                        assertThat(usage.getReserved()).isZero();
                    });
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }

        assertThat(status(httpPort, "/healthz")).isEqualTo(200);
        String metrics = body(httpPort, "/metrics");
        assertThat(metrics).containsPattern("(?m)^weft_acquisitions_total(\\{[^}]*})? 1\\.0$")
                .contains("weft_etcd_request_seconds_count{")
                .containsPattern("(?m)^weft_grpc_calls_total\\{code=\"OK\",method=\"AcquireLease\"[^}]*} 1\\.0$");

        process.destroy();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited within 20 s of SIGTERM:%n%s", output()).isTrue();
        assertThat(process.exitValue()).as("exit code").isIn(0, 143);
        assertThat(etcd).noneMatch(ProcessHandle::isAlive);
        assertThat(processesMentioning(dataDir)).as("processes still using %s", dataDir).isEmpty();
    }

    @Test
    void aTakenGrpcPortFailsStartUpWithOneLineAndStopsTheLocalEtcd() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process process = launch("--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + taken.getLocalPort(),
                    "--http-listen", "127.0.0.1:" + freePort());

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited:%n%s", output()).isTrue();
            assertThat(process.exitValue()).as("exit code; output:%n%s", output()).isEqualTo(1);
            assertThat(output()).as("it did start a local etcd first").contains("started a local etcd")
                    .containsPattern("(?m)^weft-allocator: .*" + taken.getLocalPort())
                    .doesNotContain("\tat ");
            assertThat(processesMentioning(dataDir)).as("processes still using %s", dataDir).isEmpty();
        }
    }

    @Test
    void anOutOfRangeLeaseTtlIsRefusedBeforeAnythingStarts() throws Exception {
        Process process = launch("--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + freePort(),
                "--http-listen", "127.0.0.1:" + freePort(), "--lease-ttl", "1s");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output().strip()).isEqualTo("weft-allocator: --lease-ttl 1s is out of range; allowed 5s..365d");
        assertThat(dataDir).doesNotExist();
    }

    private Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // The JDK running this test is a JDK 25: the launcher's check accepts it.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        launched.add(process);
        return process;
    }

    private String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Live processes whose command line contains path; a zombie's is empty, so it does not count. */
    private static List<ProcessHandle> processesMentioning(Path path) {
        String text = path.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(line -> line.contains(text)).orElse(false))
                .toList();
    }

    private int status(int port, String path) {
        try {
            return http.send(get(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String body(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(get(port, path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .GET().build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
