package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import io.weft.etcd.testing.TestCertificates;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/weft-allocator with every security flag, as an operator would run it in production:
 * mutual TLS on gRPC, TLS and a password to etcd. Its output and /metrics must never show the
 * etcd password or a private key. Bad TLS flags fail in one line. Needs the module packaged.
 */
@Timeout(180)
class SecureServerProcessIT {

    private static final Path LAUNCHER = Path.of("..", "bin", "weft-allocator").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    private final List<Process> launched = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path log;

    @AfterEach
    void killLeftovers() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (Process process : launched) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        http.close();
    }

    @Test
    void keepsSecretsOutOfItsOutputAndMetrics() throws Exception {
        try (SecuredEtcd etcd = new SecuredEtcd(temp)) {
            TestCertificates.Issued etcdClient = etcd.clientCertificate("weft-allocator");
            TestCertificates grpcCa = TestCertificates.authority(temp.resolve("grpc-pki"), "weft");
            TestCertificates.Issued serverCert = grpcCa.server("allocator");
            Path passwordFile = Files.writeString(temp.resolve("etcd-password"), SecuredEtcd.ROOT_PASSWORD + "\n");
            int grpcPort = freePort();
            int httpPort = freePort();
            Process process = launch("--listen", "127.0.0.1:" + grpcPort, "--http-listen", "127.0.0.1:" + httpPort,
                    "--etcd-endpoints", etcd.httpsEndpoints().getFirst(), "--etcd-prefix", "/weft-proc/network",
                    "--etcd-cacert", etcd.caFile().toString(), "--etcd-cert", etcdClient.certificate().toString(),
                    "--etcd-key", etcdClient.key().toString(), "--etcd-user", "root",
                    "--etcd-password-file", passwordFile.toString(),
                    "--tls-cert", serverCert.certificate().toString(), "--tls-key", serverCert.key().toString(),
                    "--client-ca", grpcCa.caFile().toString(), "--admin", "ops");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(process.isAlive()).as("launcher exited early:%n%s", output()).isTrue();
                return status(httpPort, "/readyz") == 200;
            });

            String config = "{\"Network\":\"10.64.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
            network(grpcCa, "ops", grpcPort).setConfig(SetConfigRequest.newBuilder().setJson(config).build());
            assertThatThrownBy(() -> network(grpcCa, "node-a", grpcPort)
                    .setConfig(SetConfigRequest.newBuilder().setJson(config).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));

            String metrics = body(httpPort, "/metrics");
            assertThat(metrics).containsPattern("(?m)^weft_permission_denied_total\\{method=\"SetConfig\"} 1\\.0$");
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

            String output = output();
            assertThat(output).contains("as etcd user root").contains("gRPC uses mutual TLS")
                    .contains("refused SetConfig: identity node-a");
            for (String text : List.of(output, metrics)) {
                assertThat(text).doesNotContain(SecuredEtcd.ROOT_PASSWORD);
                assertThat(text).doesNotContain(keyBody(serverCert.key())).doesNotContain(keyBody(etcdClient.key()));
            }
        }
    }

    @Test
    void aMissingCertificateFileFailsInOneLine() throws Exception {
        Path missing = temp.resolve("missing.pem");
        Process process = launch("--listen", "127.0.0.1:" + freePort(), "--http-listen", "127.0.0.1:" + freePort(),
                "--etcd-endpoints", "http://127.0.0.1:1", "--tls-cert", missing.toString(),
                "--tls-key", missing.toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output().strip()).isEqualTo("weft-allocator: TLS certificate " + missing + ": no such file");
    }

    @Test
    void aClientCaWithoutAnAdminIsRefused() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp.resolve("pki"), "weft");
        TestCertificates.Issued serverCert = ca.server("allocator");
        Process process = launch("--etcd-endpoints", "http://127.0.0.1:1", "--tls-cert",
                serverCert.certificate().toString(), "--tls-key", serverCert.key().toString(),
                "--client-ca", ca.caFile().toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(output().strip()).isEqualTo("weft-allocator: --client-ca needs at least one --admin NAME: "
                + "the certificate CN allowed to set the config and reservations");
    }

    private NetworkServiceGrpc.NetworkServiceBlockingStub network(TestCertificates ca, String identity, int port)
            throws Exception {
        TestCertificates.Issued cert = ca.client(identity);
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port).sslContext(GrpcSslContexts
                .forClient().trustManager(ca.caFile().toFile())
                .keyManager(cert.certificate().toFile(), cert.key().toFile()).build()).build();
        channels.add(channel);
        return NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The start of a PEM key's base64 body: what would show if the key leaked anywhere. */
    private static String keyBody(Path pem) throws IOException {
        List<String> lines = Files.readAllLines(pem).stream().filter(line -> !line.startsWith("-----")).toList();
        return lines.getFirst().substring(0, 40);
    }

    private Process launch(String... args) throws IOException {
        log = temp.resolve("launcher-" + launched.size() + ".log");
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("WEFT_ETCD_PASSWORD");
        Process process = builder.start();
        launched.add(process);
        return process;
    }

    private String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
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
