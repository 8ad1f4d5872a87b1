package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.security.EtcdClientSecurity;
import io.weft.api.v1.CheckRequest;
import io.weft.api.v1.CheckResponse;
import io.weft.api.v1.CheckServiceGrpc;
import io.weft.api.v1.Lease;
import io.weft.etcd.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's own connection to an etcd that requires TLS client certificates and has auth
 * enabled: with a password, with the certificate's CN as the etcd user, and refused with a
 * wrong password. The consistency check's own etcd call is made both ways too.
 */
@Timeout(120)
class EtcdSecurityIT {

    @TempDir
    static Path temp;

    private static SecuredEtcd etcd;
    private final List<AllocatorServer> servers = new ArrayList<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = new SecuredEtcd(temp);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void stopServers() {
        servers.forEach(AllocatorServer::close);
    }

    @Test
    void servesOverTlsWithAClientCertificateAndAPassword() throws Exception {
        TestCertificates.Issued client = etcd.clientCertificate("weft-allocator");
        String prefix = "/weft-tls-password/network";
        AllocatorServer server = start(
                prefix,
                new EtcdClientSecurity(
                        etcd.caFile(), client.certificate(), client.key(), "root", SecuredEtcd.ROOT_PASSWORD),
                Duration.ofSeconds(30));

        Lease lease = acquire(server);
        assertThat(etcd.etcdctl()
                        .run(
                                "--user=root:" + SecuredEtcd.ROOT_PASSWORD,
                                "get",
                                "--prefix",
                                "--keys-only",
                                prefix + "/subnets/"))
                .contains(lease.getSubnet().replace('/', '-'));
    }

    @Test
    void servesWithTheCertificateCommonNameAsTheEtcdUser() throws Exception {
        TestCertificates.Issued root = etcd.clientCertificate("root");
        String prefix = "/weft-tls-cn/network";
        AllocatorServer server = start(
                prefix,
                new EtcdClientSecurity(etcd.caFile(), root.certificate(), root.key(), null, null),
                Duration.ofSeconds(30));

        Lease lease = acquire(server);
        assertThat(etcd.etcdctl()
                        .run(
                                "--user=root:" + SecuredEtcd.ROOT_PASSWORD,
                                "get",
                                "--prefix",
                                "--keys-only",
                                prefix + "/subnets/"))
                .contains(lease.getSubnet().replace('/', '-'));
    }

    @Test
    void aWrongPasswordNeverGetsReady() throws Exception {
        TestCertificates.Issued client = etcd.clientCertificate("weft-allocator");
        AllocatorServer server = start(
                "/weft-tls-wrong/network",
                new EtcdClientSecurity(etcd.caFile(), client.certificate(), client.key(), "root", "not-the-password"),
                Duration.ofSeconds(3));

        assertThat(server.ready()).isFalse();
    }

    private AllocatorServer start(String prefix, EtcdClientSecurity security, Duration startTimeout) throws Exception {
        AllocatorServer server = AllocatorServer.builder()
                .etcdEndpoints(etcd.httpsEndpoints())
                .etcdPrefix(prefix)
                .etcdSecurity(security)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofMinutes(5))
                .startTimeout(startTimeout)
                .start();
        servers.add(server);
        return server;
    }

    private static Lease acquire(AllocatorServer server) throws Exception {
        assertThat(server.ready()).isTrue();
        try (AllocatorFixture fixture = new AllocatorFixture(List.of("http://127.0.0.1:1"), "/unused")) {
            fixture.setConfig(server, "{\"Network\":\"10.63.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            Lease lease = fixture.leases(server)
                    .acquireLease(AllocatorFixture.vxlanNode("node-a", "192.0.2.1"))
                    .getLease();
            assertThat(lease.getSubnet()).startsWith("10.63.");
            // The check's raw etcd call (the lease list jetcd lacks) goes over the same TLS and identity.
            CheckResponse check = CheckServiceGrpc.newBlockingStub(fixture.channel(server))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(CheckRequest.getDefaultInstance());
            assertThat(check.getProblemsList()).isEmpty();
            assertThat(check.getLeases()).isEqualTo(1);
            assertThat(check.getEtcdLeases()).isPositive();
            return lease;
        }
    }
}
