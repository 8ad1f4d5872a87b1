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
import io.weft.testsupport.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * bin/weft-allocator with every security flag, as an operator would run it in production:
 * mutual TLS on gRPC, TLS and a password to etcd. Its output and /metrics must never show the
 * etcd password or a private key. Bad TLS flags fail in one line. Needs the module packaged.
 */
@Timeout(180)
class SecureServerProcessIT {

    @TempDir
    Path temp;

    private final List<ManagedChannel> channels = new ArrayList<>();
    private LaunchedAllocators launcher;

    @BeforeEach
    void launcher() {
        launcher = new LaunchedAllocators(temp);
    }

    @AfterEach
    void killLeftovers() {
        channels.forEach(ManagedChannel::shutdownNow);
        launcher.close();
    }

    @Test
    void keepsSecretsOutOfItsOutputAndMetrics() throws Exception {
        try (SecuredEtcd etcd = new SecuredEtcd(temp)) {
            TestCertificates.Issued etcdClient = etcd.clientCertificate("weft-allocator");
            TestCertificates grpcCa = TestCertificates.authority(temp.resolve("grpc-pki"), "weft");
            TestCertificates.Issued serverCert = grpcCa.server("allocator");
            Path passwordFile = SecurityFlagsTest.ownerOnly(
                    Files.writeString(temp.resolve("etcd-password"), SecuredEtcd.ROOT_PASSWORD + "\n"));
            int grpcPort = LoopbackPorts.free();
            int httpPort = LoopbackPorts.free();
            Process process = launcher.launch(
                    "--listen",
                    "127.0.0.1:" + grpcPort,
                    "--http-listen",
                    "127.0.0.1:" + httpPort,
                    "--etcd-endpoints",
                    etcd.httpsEndpoints().getFirst(),
                    "--etcd-prefix",
                    "/weft-proc/network",
                    "--etcd-cacert",
                    etcd.caFile().toString(),
                    "--etcd-cert",
                    etcdClient.certificate().toString(),
                    "--etcd-key",
                    etcdClient.key().toString(),
                    "--etcd-user",
                    "root",
                    "--etcd-password-file",
                    passwordFile.toString(),
                    "--tls-cert",
                    serverCert.certificate().toString(),
                    "--tls-key",
                    serverCert.key().toString(),
                    "--client-ca",
                    grpcCa.caFile().toString(),
                    "--admin",
                    "ops");
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        assertThat(process.isAlive())
                                .as("launcher exited early:%n%s", launcher.output())
                                .isTrue();
                        return launcher.status(httpPort, "/readyz") == 200;
                    });

            String config = "{\"Network\":\"10.64.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
            network(grpcCa, "ops", grpcPort)
                    .setConfig(SetConfigRequest.newBuilder().setJson(config).build());
            assertThatThrownBy(() -> network(grpcCa, "node-a", grpcPort)
                            .setConfig(SetConfigRequest.newBuilder()
                                    .setJson(config)
                                    .build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));

            String metrics = launcher.body(httpPort, "/metrics");
            assertThat(metrics).containsPattern("(?m)^weft_permission_denied_total\\{method=\"SetConfig\"} 1\\.0$");
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

            String output = launcher.output();
            assertThat(output)
                    .contains("as etcd user root")
                    .contains("gRPC uses mutual TLS")
                    .contains("refused SetConfig: identity node-a")
                    .doesNotContain("clear text");
            for (String text : List.of(output, metrics)) {
                assertThat(text).doesNotContain(SecuredEtcd.ROOT_PASSWORD);
                assertThat(text).doesNotContain(keyBody(serverCert.key())).doesNotContain(keyBody(etcdClient.key()));
            }
        }
    }

    @Test
    void aMissingCertificateFileFailsInOneLine() throws Exception {
        Path missing = temp.resolve("missing.pem");
        Process process = launcher.launch(
                "--listen",
                "127.0.0.1:" + LoopbackPorts.free(),
                "--http-listen",
                "127.0.0.1:" + LoopbackPorts.free(),
                "--etcd-endpoints",
                "http://127.0.0.1:1",
                "--tls-cert",
                missing.toString(),
                "--tls-key",
                missing.toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("a user's mistake").isEqualTo(2);
        assertThat(launcher.output().strip())
                .isEqualTo(
                        "weft-allocator: TLS certificate " + missing + ": no such file (see 'weft-allocator --help')");
    }

    @Test
    void aPasswordFileEveryUserMayReadIsRefusedInOneLine() throws Exception {
        Path passwordFile = Files.writeString(temp.resolve("etcd-password"), "s3cret\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-r--r--"));
        Process process = launcher.launch(
                "--etcd-endpoints",
                "http://127.0.0.1:1",
                "--etcd-user",
                "root",
                "--etcd-password-file",
                passwordFile.toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("a user's mistake").isEqualTo(2);
        assertThat(launcher.output().strip())
                .isEqualTo("weft-allocator: --etcd-password-file " + passwordFile
                        + " is readable by every user (mode rw-r--r--); allow at most its owner and group, e.g. chmod 600 "
                        + passwordFile + " (see 'weft-allocator --help')");
    }

    @Test
    void aPasswordSentOverPlaintextEtcdIsWarnedOfOnceAtStartUp() throws Exception {
        Path passwordFile = SecurityFlagsTest.ownerOnly(Files.writeString(temp.resolve("etcd-password"), "s3cret\n"));
        String endpoint = "http://127.0.0.1:" + LoopbackPorts.free();
        Process process = launcher.launch(
                "--listen",
                "127.0.0.1:" + LoopbackPorts.free(),
                "--http-listen",
                "127.0.0.1:" + LoopbackPorts.free(),
                "--etcd-endpoints",
                endpoint,
                "--etcd-user",
                "root",
                "--etcd-password-file",
                passwordFile.toString());

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(process.isAlive())
                            .as("launcher exited early:%n%s", launcher.output())
                            .isTrue();
                    return launcher.output().contains("clear text");
                });
        List<String> warnings = launcher.output()
                .lines()
                .filter(line -> line.contains("clear text"))
                .toList();
        assertThat(warnings)
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("WARN")
                        .contains("--etcd-user root over plaintext etcd endpoints (" + endpoint
                                + "): the password travels " + "in clear text")
                        .doesNotContain("s3cret"));
    }

    @Test
    void aClientCaWithoutAnAdminIsRefused() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp.resolve("pki"), "weft");
        TestCertificates.Issued serverCert = ca.server("allocator");
        Process process = launcher.launch(
                "--etcd-endpoints",
                "http://127.0.0.1:1",
                "--tls-cert",
                serverCert.certificate().toString(),
                "--tls-key",
                serverCert.key().toString(),
                "--client-ca",
                ca.caFile().toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("a user's mistake").isEqualTo(2);
        assertThat(launcher.output().strip())
                .isEqualTo(
                        "weft-allocator: --client-ca needs at least one --admin NAME: "
                                + "the certificate CN allowed to set the config and reservations (see 'weft-allocator --help')");
    }

    private NetworkServiceGrpc.NetworkServiceBlockingStub network(TestCertificates ca, String identity, int port)
            throws Exception {
        TestCertificates.Issued cert = ca.client(identity);
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", port)
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(ca.caFile().toFile())
                        .keyManager(cert.certificate().toFile(), cert.key().toFile())
                        .build())
                .build();
        channels.add(channel);
        return NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The start of a PEM key's base64 body: what would show if the key leaked anywhere. */
    private static String keyBody(Path pem) throws IOException {
        List<String> lines = Files.readAllLines(pem).stream()
                .filter(line -> !line.startsWith("-----"))
                .toList();
        return lines.getFirst().substring(0, 40);
    }
}
