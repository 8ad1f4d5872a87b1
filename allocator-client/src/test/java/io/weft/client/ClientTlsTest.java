package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.etcd.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ClientTlsTest {

    @TempDir
    Path temp;

    @Test
    void theIdentityIsTheCommonNameElseTheFirstDnsName() {
        TestCertificates ca = TestCertificates.authority(temp, "weft");
        TestCertificates.Issued named = ca.clientWithDnsNames("node-a", List.of("other.example"));
        TestCertificates.Issued dnsOnly = ca.clientWithDnsNames(null, List.of("node-b.example"));

        assertThat(new ClientTls(ca.caFile(), named.certificate(), named.key()).identity())
                .contains("node-a");
        assertThat(new ClientTls(ca.caFile(), dnsOnly.certificate(), dnsOnly.key()).identity())
                .contains("node-b.example");
        assertThat(new ClientTls(ca.caFile(), null, null).identity()).isEmpty();
    }

    @Test
    void aFileThatIsNotPemIsNamed() throws Exception {
        Path garbage = Files.writeString(temp.resolve("ca.pem"), "not a certificate\n");
        assertThatThrownBy(() -> new ClientTls(garbage, null, null).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TLS CA " + garbage + " could not be loaded (PEM expected): ");
    }

    @Test
    void aKeyThatDoesNotLoadIsNamed() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "weft");
        TestCertificates.Issued node = ca.client("node-a");
        Path badKey = Files.writeString(
                temp.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n" + "-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> new ClientTls(ca.caFile(), node.certificate(), badKey).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TLS certificate " + node.certificate() + " and key " + badKey);
    }
}
