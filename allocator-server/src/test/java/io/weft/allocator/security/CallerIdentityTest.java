package io.weft.allocator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.etcd.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The caller's identity and IP SANs; the naming rule's cases are in CertificateIdentityTest (config). */
@Timeout(30)
class CallerIdentityTest {

    @TempDir
    Path temp;

    @Test
    void aSessionWithoutACertificateHasNoIdentityAndNoAddresses() {
        assertThat(CallerIdentity.of((SSLSession) null)).isEmpty();
        assertThat(CallerIdentity.ipAddresses((SSLSession) null)).isEmpty();
    }

    @Test
    void theIpAddressesAreReadInCanonicalText() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "ca");
        X509Certificate certificate = read(ca.clientWithIpAddresses("node-a", List.of("10.0.0.5", "fd00:0:0::1"))
                .certificate());

        assertThat(CallerIdentity.of(certificate)).contains("node-a");
        assertThat(CallerIdentity.ipAddresses(certificate)).containsExactly("10.0.0.5", "fd00::1");
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
