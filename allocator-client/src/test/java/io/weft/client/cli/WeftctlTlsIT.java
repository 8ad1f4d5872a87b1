package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.AllocatorServer;
import io.weft.allocator.security.AccessPolicy;
import io.weft.allocator.security.ServerTls;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.client.ClientTls;
import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.etcd.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** weftctl and the client library against a server that requires client certificates. */
@Timeout(120)
class WeftctlTlsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String CONFIG = "{\"Network\":\"10.251.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}";

    @TempDir
    Path temp;

    private TestCertificates ca;
    private AllocatorServer server;
    private String address;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.authority(temp.resolve("pki"), "weft");
        TestCertificates.Issued serverCert = ca.server("allocator");
        server = AllocatorServer.builder()
                .etcdEndpoints(ETCD.endpoints())
                .etcdPrefix("/weftctl-tls-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "/network")
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofHours(1))
                .tls(new ServerTls(serverCert.certificate(), serverCert.key(), ca.caFile()))
                .accessPolicy(new AccessPolicy(Set.of("ops")))
                .start();
        address = "127.0.0.1:" + server.grpcPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void eachIdentityDoesWhatItMay() throws Exception {
        Path config = Files.writeString(temp.resolve("net-conf.json"), CONFIG);
        WeftctlRun set = weftctl("ops", "config", "set", config.toString());
        assertThat(set.exitCode()).as(set.err()).isZero();

        TestCertificates.Issued nodeB = ca.client("node-b");
        Lease lease;
        try (WeftClient client = WeftClient.builder()
                .addresses(List.of(ServerAddress.parse(address)))
                .tls(new ClientTls(ca.caFile(), nodeB.certificate(), nodeB.key()))
                .build()) {
            lease = client.acquire(AcquireLeaseRequest.newBuilder()
                            .setNodeName("node-b")
                            .setPublicIp("192.0.2.2")
                            .setBackendType("host-gw")
                            .build())
                    .getLease();
        }

        WeftctlRun leases = weftctl("node-a", "leases");
        assertThat(leases.exitCode()).as(leases.err()).isZero();
        assertThat(leases.out()).contains(lease.getSubnet(), "node-b");

        WeftctlRun refused = weftctl("node-a", "lease", "release", lease.getSubnet());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.errLines())
                .singleElement()
                .asString()
                .startsWith("weftctl: PERMISSION_DENIED: " + "identity node-a may not release the lease on "
                        + lease.getSubnet() + " without naming its node");

        WeftctlRun released = weftctl("ops", "lease", "release", lease.getSubnet());
        assertThat(released.exitCode()).as(released.err()).isZero();
        assertThat(weftctl("node-a", "leases").out()).doesNotContain("node-b");
    }

    @Test
    void withoutAClientCertificateTheServerCannotBeReached() {
        WeftctlRun run =
                WeftctlRun.of("--server", address, "--tls-ca", ca.caFile().toString(), "--timeout", "5", "leases");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.errLines()).singleElement().asString().startsWith("weftctl: UNAVAILABLE");
    }

    @Test
    void aMissingFileIsAUsageErrorNamingIt() {
        Path missing = temp.resolve("missing-ca.pem");
        WeftctlRun run = WeftctlRun.of("--server", address, "--tls-ca", missing.toString(), "leases");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines())
                .containsExactly("weftctl: TLS CA " + missing + ": no such file (see 'weftctl --help')");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void aCertificateWithoutItsKeyIsAUsageError() {
        TestCertificates.Issued admin = ca.client("ops");
        WeftctlRun run = WeftctlRun.of(
                "--server",
                address,
                "--tls-ca",
                ca.caFile().toString(),
                "--tls-cert",
                admin.certificate().toString(),
                "leases");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines())
                .singleElement()
                .asString()
                .startsWith("weftctl: --tls-cert and --tls-key go together");
    }

    private WeftctlRun weftctl(String identity, String... command) {
        TestCertificates.Issued cert = ca.client(identity);
        List<String> args = new ArrayList<>(List.of(
                "--server",
                address,
                "--tls-ca",
                ca.caFile().toString(),
                "--tls-cert",
                cert.certificate().toString(),
                "--tls-key",
                cert.key().toString()));
        args.addAll(List.of(command));
        return WeftctlRun.of(args.toArray(String[]::new));
    }
}
