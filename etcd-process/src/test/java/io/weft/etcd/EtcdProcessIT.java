package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdProcessIT {

    private static final Duration PROBE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void startsHealthyOnFreeLoopbackPortsAndStops() throws IOException {
        try (EtcdProcess etcd = new EtcdProcess(fastOptions().build()).start()) {
            assertThat(etcd.isAlive()).isTrue();
            assertThat(etcd.clientEndpoint()).isEqualTo("http://127.0.0.1:" + etcd.clientPort());
            assertThat(etcd.peerPort()).isNotEqualTo(etcd.clientPort());
            assertThat(etcd.health(PROBE)).isEqualTo(MemberHealth.HEALTHY);
            assertThat(etcd.status(PROBE))
                    .hasValueSatisfying(status -> assertThat(status.isLeader()).isTrue());
            assertThat(etcd.commandLine())
                    .contains("--listen-client-urls=" + etcd.clientEndpoint(), "--listen-metrics-urls=");
            assertThat(Files.readString(etcd.logFile())).contains("ready to serve client requests");
            assertThat(new ListeningPort(etcd.clientPort()).isHeldBy(etcd.pid()))
                    .contains(true);
            assertThat(new ListeningPort(etcd.clientPort())
                            .isHeldBy(ProcessHandle.current().pid()))
                    .contains(false);
            long pid = etcd.pid();

            etcd.stop();

            assertThat(etcd.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
            assertThat(etcd.health(Duration.ofMillis(300))).isEqualTo(MemberHealth.NOT_ANSWERING);
        }
    }

    @Test
    void restartAfterAKillKeepsPortsAndData() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(fastOptions().build()).start()) {
            int clientPort = etcd.clientPort();
            int peerPort = etcd.peerPort();
            long firstPid = etcd.pid();
            gatewayPut(etcd, "/weft/restart", "survives");

            etcd.kill();
            assertThat(etcd.isAlive()).isFalse();
            etcd.restart();

            assertThat(etcd.pid()).isNotEqualTo(firstPid);
            assertThat(etcd.clientPort()).isEqualTo(clientPort);
            assertThat(etcd.peerPort()).isEqualTo(peerPort);
            assertThat(gatewayGet(etcd, "/weft/restart")).contains(base64("survives"));
        }
    }

    @Test
    void aTakenPortFailsWithTheCommandLineAndTheLogTail() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, EtcdPorts.LOOPBACK)) {
            int freePeer = EtcdPorts.pickFree().peer();
            EtcdPorts ports = new EtcdPorts(taken.getLocalPort(), freePeer);
            EtcdProcess etcd = new EtcdProcess(fastOptions().ports(ports).build());

            assertThatThrownBy(etcd::start)
                    .isInstanceOfSatisfying(
                            EtcdStartException.class,
                            e -> assertThat(e.addressInUse()).isTrue())
                    .hasMessageContaining("exited with code")
                    .hasMessageContaining("command: ")
                    .hasMessageContaining("--listen-client-urls=http://127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("address already in use");
            assertThat(etcd.isAlive()).isFalse();
        }
    }

    @Test
    void retriesOnFreshPortsWhenAPickedPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, EtcdPorts.LOOPBACK)) {
            AtomicInteger picks = new AtomicInteger();
            Supplier<EtcdPorts> firstPickTaken = () -> picks.incrementAndGet() == 1
                    ? new EtcdPorts(EtcdPorts.pickFree().client(), taken.getLocalPort())
                    : EtcdPorts.pickFree();

            try (EtcdProcess etcd = new EtcdProcess(fastOptions().build(), firstPickTaken).start()) {
                assertThat(picks).hasValue(2);
                assertThat(etcd.peerPort()).isNotEqualTo(taken.getLocalPort());
                assertThat(etcd.health(PROBE)).isEqualTo(MemberHealth.HEALTHY);
            }
        }
    }

    @Test
    void anotherEtcdOnThePickedClientPortIsNotMistakenForOurs() {
        try (EtcdProcess other = new EtcdProcess(fastOptions().name("other").build()).start()) {
            AtomicInteger picks = new AtomicInteger();
            Supplier<EtcdPorts> firstPickTakenByOther = () -> picks.incrementAndGet() == 1
                    ? new EtcdPorts(other.clientPort(), EtcdPorts.pickFree().peer())
                    : EtcdPorts.pickFree();
            EtcdOptions ours = EtcdOptions.builder(dir.resolve("ours"))
                    .timing(RaftTiming.FAST_FOR_TESTS)
                    .build();

            try (EtcdProcess etcd = new EtcdProcess(ours, firstPickTakenByOther).start()) {
                assertThat(picks).hasValue(2);
                assertThat(etcd.clientPort()).isNotEqualTo(other.clientPort());
                assertThat(etcd.isAlive()).isTrue();
                assertThat(etcd.status(PROBE).orElseThrow().memberId())
                        .isNotEqualTo(other.status(PROBE).orElseThrow().memberId());
            }
        }
    }

    @Test
    void givesUpWhenEveryPickIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, EtcdPorts.LOOPBACK)) {
            AtomicInteger picks = new AtomicInteger();
            Supplier<EtcdPorts> alwaysTaken = () -> {
                picks.incrementAndGet();
                return new EtcdPorts(taken.getLocalPort(), EtcdPorts.pickFree().peer());
            };
            EtcdProcess etcd = new EtcdProcess(fastOptions().build(), alwaysTaken);

            assertThatThrownBy(etcd::start)
                    .isInstanceOfSatisfying(
                            EtcdStartException.class,
                            e -> assertThat(e.addressInUse()).isTrue());
            assertThat(picks).hasValue(EtcdProcess.MAX_START_ATTEMPTS);
        }
    }

    @Test
    void anUnknownFlagFailsFastWithEtcdsComplaint() {
        EtcdProcess etcd =
                new EtcdProcess(fastOptions().extraArgs("--no-such-flag=1").build());

        assertThatThrownBy(etcd::start)
                .isInstanceOfSatisfying(
                        EtcdStartException.class,
                        e -> assertThat(e.addressInUse()).isFalse())
                .hasMessageContaining("exited with code")
                .hasMessageContaining("etcd said: flag provided but not defined: -no-such-flag");
    }

    @Test
    void stopFromAnotherThreadAbortsAStartThatCannotSucceed() {
        // A member of a three-member cluster whose peers never start cannot reach quorum.
        var ports = EtcdPorts.pickFree(3);
        String initialCluster = "a=" + EtcdOptions.loopbackUrl(ports.get(0).peer())
                + ",b=" + EtcdOptions.loopbackUrl(ports.get(1).peer())
                + ",c=" + EtcdOptions.loopbackUrl(ports.get(2).peer());
        EtcdProcess lonely = new EtcdProcess(fastOptions()
                .name("a")
                .ports(ports.get(0))
                .initialCluster(initialCluster)
                .build());
        CompletableFuture<EtcdProcess> start = CompletableFuture.supplyAsync(lonely::start);
        awaitTrue(lonely::isAlive);

        lonely.stop();

        assertThatThrownBy(start::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(EtcdStartException.class)
                .hasMessageContaining("aborted");
        assertThat(lonely.isAlive()).isFalse();
    }

    private EtcdOptions.Builder fastOptions() {
        return EtcdOptions.builder(dir.resolve("data"))
                .timing(RaftTiming.FAST_FOR_TESTS)
                .startTimeout(Duration.ofSeconds(20));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        Deadline deadline = Deadline.after(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertThat(deadline.hasPassed()).as("condition within 10 s").isFalse();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    // The gRPC gateway's KV API, so this module's tests need nothing but the JDK and etcd.
    private static void gatewayPut(EtcdProcess etcd, String key, String value) throws Exception {
        String body = "{\"key\":\"" + base64(key) + "\",\"value\":\"" + base64(value) + "\"}";
        assertThat(post(etcd, "/v3/kv/put", body).statusCode()).isEqualTo(200);
    }

    private static String gatewayGet(EtcdProcess etcd, String key) throws Exception {
        HttpResponse<String> response = post(etcd, "/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> post(EtcdProcess etcd, String path, String body) throws Exception {
        try (HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(etcd.clientEndpoint() + path))
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
