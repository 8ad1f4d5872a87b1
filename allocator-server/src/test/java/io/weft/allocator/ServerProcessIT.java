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
import io.weft.testsupport.LoopbackPorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    @TempDir
    Path temp;

    private Path dataDir;
    private LaunchedAllocators launcher;

    @BeforeEach
    void paths() {
        assertThat(LaunchedAllocators.LAUNCHER).isExecutable();
        dataDir = temp.resolve("data");
        launcher = new LaunchedAllocators(temp);
    }

    @AfterEach
    void killLeftovers() {
        launcher.close();
    }

    @Test
    void servesWithItsOwnEtcdAndStopsBothOnSigterm() throws Exception {
        int grpcPort = LoopbackPorts.free();
        int httpPort = LoopbackPorts.free();
        Process process = launcher.launch(
                "--data-dir",
                dataDir.toString(),
                "--listen",
                "127.0.0.1:" + grpcPort,
                "--http-listen",
                "127.0.0.1:" + httpPort,
                "--etcd-compaction-interval",
                "1s");

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(process.isAlive())
                            .as("launcher exited early:%n%s", launcher.output())
                            .isTrue();
                    return launcher.status(httpPort, "/readyz") == 200;
                });
        List<ProcessHandle> etcd = process.descendants()
                .filter(processesMentioning(dataDir)::contains)
                .toList();
        assertThat(etcd)
                .as("the local etcd: a child of the launcher with its data under %s", dataDir)
                .isNotEmpty();
        Matcher etcdUrl = Pattern.compile("started a local etcd at http://127\\.0\\.0\\.1:(\\d+)")
                .matcher(launcher.output());
        assertThat(etcdUrl.find())
                .as("the local etcd's URL in:%n%s", launcher.output())
                .isTrue();
        assertThat(launcher.body(Integer.parseInt(etcdUrl.group(1)), "/metrics"))
                .as("the local etcd's quota: 1 GiB")
                .contains("etcd_server_quota_backend_bytes 1.073741824e+09");

        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext()
                .build();
        try {
            NetworkServiceGrpc.NetworkServiceBlockingStub network =
                    NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            network.setConfig(SetConfigRequest.newBuilder()
                    .setJson("{\"Network\":\"10.77.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}")
                    .build());
            Lease lease = LeaseServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquireLease(AllocatorFixture.vxlanNode("proc-node", "192.168.77.1"))
                    .getLease();
            assertThat(lease.getSubnet()).startsWith("10.77.");
            assertThat(network.getUsage(GetUsageRequest.getDefaultInstance()).getFamiliesList())
                    .singleElement()
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

        // Its own compaction rounds write the shared key, so there is history to compact.
        await().atMost(Duration.ofSeconds(30)).until(() -> launcher.output().contains("compacted etcd's history to"));
        assertThat(launcher.body(httpPort, "/metrics")).containsPattern("(?m)^weft_etcd_compactions_total [1-9]");

        assertThat(launcher.status(httpPort, "/healthz")).isEqualTo(200);
        String metrics = launcher.body(httpPort, "/metrics");
        assertThat(metrics)
                .containsPattern("(?m)^weft_acquisitions_total(\\{[^}]*})? 1\\.0$")
                .contains("weft_etcd_request_seconds_count{")
                .containsPattern("(?m)^weft_grpc_calls_total\\{code=\"OK\",method=\"AcquireLease\"[^}]*} 1\\.0$");

        process.destroy();
        assertThat(process.waitFor(20, TimeUnit.SECONDS))
                .as("exited within 20 s of SIGTERM:%n%s", launcher.output())
                .isTrue();
        assertThat(process.exitValue()).as("exit code").isIn(0, 143);
        assertThat(etcd).noneMatch(ProcessHandle::isAlive);
        assertThat(processesMentioning(dataDir))
                .as("processes still using %s", dataDir)
                .isEmpty();
    }

    @Test
    void aTakenGrpcPortFailsStartUpWithOneLineAndStopsTheLocalEtcd() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process process = launcher.launch(
                    "--data-dir",
                    dataDir.toString(),
                    "--listen",
                    "127.0.0.1:" + taken.getLocalPort(),
                    "--http-listen",
                    "127.0.0.1:" + LoopbackPorts.free());

            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("exited:%n%s", launcher.output())
                    .isTrue();
            assertThat(process.exitValue())
                    .as("exit code; output:%n%s", launcher.output())
                    .isEqualTo(1);
            assertThat(launcher.output())
                    .as("it did start a local etcd first")
                    .contains("started a local etcd")
                    .containsPattern("(?m)^weft-allocator: .*" + taken.getLocalPort())
                    .doesNotContain("\tat ");
            assertThat(processesMentioning(dataDir))
                    .as("processes still using %s", dataDir)
                    .isEmpty();
        }
    }

    @Test
    void anOutOfRangeLeaseTtlIsRefusedBeforeAnythingStarts() throws Exception {
        Process process = launcher.launch(
                "--data-dir",
                dataDir.toString(),
                "--listen",
                "127.0.0.1:" + LoopbackPorts.free(),
                "--http-listen",
                "127.0.0.1:" + LoopbackPorts.free(),
                "--lease-ttl",
                "1s");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("a user's mistake").isEqualTo(2);
        assertThat(launcher.output().strip())
                .isEqualTo(
                        "weft-allocator: --lease-ttl 1s is out of range; allowed 5s..365d (see 'weft-allocator --help')");
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void aCompactionIntervalBelowOneSecondIsRefusedBeforeAnythingStarts() throws Exception {
        Process process = launcher.launch("--data-dir", dataDir.toString(), "--etcd-compaction-interval", "500ms");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("a user's mistake").isEqualTo(2);
        assertThat(launcher.output().strip())
                .isEqualTo("weft-allocator: --etcd-compaction-interval 500ms is out of "
                        + "range; allowed 0 (off) or at least 1s (see 'weft-allocator --help')");
        assertThat(dataDir).doesNotExist();
    }

    /** Live processes whose command line contains path; a zombie's is empty, so it does not count. */
    private static List<ProcessHandle> processesMentioning(Path path) {
        String text = path.toString();
        return ProcessHandle.allProcesses()
                .filter(p ->
                        p.info().commandLine().map(line -> line.contains(text)).orElse(false))
                .toList();
    }
}
