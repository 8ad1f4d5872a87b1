package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.FamilyUsage;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import io.weft.config.IpPrefix;
import io.weft.testsupport.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproduction, from the outside: the real launcher with its own etcd, a plain gRPC
 * channel, IPv6 fd00:10::/56 in /64s with one lease, then the config forced to IPv6SubnetLen
 * 120 (2^64 subnets, the /64 lease covering 2^56 of them). The server must go on answering
 * every RPC, usage and /metrics, stop within 10 s of SIGTERM, and come back the same way on a
 * restart over the same etcd (the config stays there). Each RPC gets a 15 s deadline: a walk
 * over the address space under the index lock shows up as DEADLINE_EXCEEDED.
 */
@Timeout(240)
class HugeSubnetSpaceProcessIT {

    private static final String SLASH_64 = config(64);
    private static final String SLASH_120 = config(120);

    @TempDir
    Path temp;

    private LaunchedAllocators launcher;
    private int grpcPort;
    private int httpPort;

    @BeforeEach
    void ports() throws Exception {
        launcher = new LaunchedAllocators(temp);
        grpcPort = LoopbackPorts.free();
        httpPort = LoopbackPorts.free();
    }

    @AfterEach
    void killLeftovers() {
        launcher.close();
    }

    @Test
    void aForcedChangeToSlash120sKeepsEveryAnswerAndSigtermWorkingAcrossARestart() throws Exception {
        Process first = launchAndAwaitReady();
        Lease held;
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext()
                .build();
        try {
            network(channel)
                    .setConfig(SetConfigRequest.newBuilder().setJson(SLASH_64).build());
            held = leases(channel).acquireLease(node("held", "fd99::1")).getLease();
            assertThat(IpPrefix.parse(held.getIpv6Subnet()).length()).isEqualTo(64);

            network(channel)
                    .setConfig(SetConfigRequest.newBuilder()
                            .setJson(SLASH_120)
                            .setForce(true)
                            .build());

            Lease fresh = leases(channel).acquireLease(node("fresh", "fd99::2")).getLease();
            IpPrefix freshSubnet = IpPrefix.parse(fresh.getIpv6Subnet());
            assertThat(freshSubnet.length()).isEqualTo(120);
            assertThat(freshSubnet.overlaps(IpPrefix.parse(held.getIpv6Subnet())))
                    .as("%s is inside the /64 still leased to 'held'", freshSubnet)
                    .isFalse();
            assertAnswers(channel, 2);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        assertStopsWithinTenSecondsOfSigterm(first);

        Process second = launchAndAwaitReady();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext()
                .build();
        try {
            assertAnswers(channel, 2);
            // The node holding the /64 comes back: its lease no longer fits, so it is moved to a /120
            // and the /64 (2^56 subnets of the space) is released.
            Lease moved = leases(channel).acquireLease(node("held", "fd99::1")).getLease();
            assertThat(IpPrefix.parse(moved.getIpv6Subnet()).length()).isEqualTo(120);
            assertAnswers(channel, 2);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        assertStopsWithinTenSecondsOfSigterm(second);
    }

    private void assertAnswers(ManagedChannel channel, int leaseCount) throws Exception {
        assertThat(leases(channel)
                        .listLeases(ListLeasesRequest.getDefaultInstance())
                        .getLeasesList())
                .hasSize(leaseCount);
        FamilyUsage usage =
                network(channel).getUsage(GetUsageRequest.getDefaultInstance()).getFamilies(0);
        assertThat(usage.getFamily()).isEqualTo("ipv6");
        assertThat(usage.getCapacity()).as("2^64 /120s, saturated").isEqualTo(Long.MAX_VALUE);
        assertThat(launcher.body(httpPort, "/metrics")).contains("weft_subnet_capacity");
        assertThat(launcher.status(httpPort, "/healthz")).isEqualTo(200);
    }

    private Process launchAndAwaitReady() throws Exception {
        Process process = launcher.launch(
                "--data-dir",
                temp.resolve("data").toString(),
                "--listen",
                "127.0.0.1:" + grpcPort,
                "--http-listen",
                "127.0.0.1:" + httpPort);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(process.isAlive())
                            .as("launcher exited early:%n%s", launcher.output())
                            .isTrue();
                    return launcher.status(httpPort, "/readyz") == 200;
                });
        return process;
    }

    private void assertStopsWithinTenSecondsOfSigterm(Process process) throws Exception {
        process.destroy();
        assertThat(process.waitFor(10, TimeUnit.SECONDS))
                .as("exited within 10 s of SIGTERM:%n%s", launcher.output())
                .isTrue();
        assertThat(process.descendants()).noneMatch(ProcessHandle::isAlive);
    }

    private static LeaseServiceGrpc.LeaseServiceBlockingStub leases(ManagedChannel channel) {
        return LeaseServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private static NetworkServiceGrpc.NetworkServiceBlockingStub network(ManagedChannel channel) {
        return NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private static AcquireLeaseRequest node(String name, String publicIpv6) {
        return AcquireLeaseRequest.newBuilder()
                .setNodeName(name)
                .setPublicIpv6(publicIpv6)
                .setBackendType("host-gw")
                .build();
    }

    private static String config(int subnetLength) {
        return "{\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPv6Network\":\"fd00:10::/56\",\"IPv6SubnetLen\":"
                + subnetLength + ",\"Backend\":{\"Type\":\"host-gw\"}}";
    }
}
