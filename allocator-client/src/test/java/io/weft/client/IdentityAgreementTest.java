package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.security.CallerIdentity;
import io.weft.etcd.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node checks its own certificate before it connects ({@link ClientTls#identity()}); the
 * server names the caller from the same certificate. Both must read the same name, or a node
 * starts with a certificate every call of which the server then refuses.
 */
@Timeout(60)
class IdentityAgreementTest {

    @TempDir
    static Path temp;

    static Stream<Arguments> certificates() {
        return Stream.of(
                Arguments.of("a CN", "node-a", "node-a", List.of()),
                Arguments.of("a CN and DNS names", "node-a", "node-a", List.of("other.example")),
                Arguments.of("DNS names only", "node-b.example", null, List.of("node-b.example", "x.example")),
                Arguments.of("a blank DNS name first", "node-c.example", null, List.of(" ", "node-c.example")),
                Arguments.of("a blank CN", "node-d.example", " ", List.of("node-d.example")),
                Arguments.of("no name at all", null, null, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("certificates")
    void clientAndServerReadOneIdentity(String what, String expected, String commonName, List<String> dnsNames)
            throws Exception {
        TestCertificates ca = TestCertificates.authority(temp.resolve(what.replace(' ', '-')), "weft");
        TestCertificates.Issued issued = ca.clientWithDnsNames(commonName, dnsNames);

        assertThat(new ClientTls(ca.caFile(), issued.certificate(), issued.key()).identity())
                .as("the client's reading")
                .isEqualTo(Optional.ofNullable(expected));
        assertThat(CallerIdentity.of(read(issued.certificate())))
                .as("the server's reading")
                .isEqualTo(Optional.ofNullable(expected));
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
