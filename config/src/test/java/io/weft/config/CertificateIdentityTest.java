package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.etcd.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The certificate-identity rule, case by case; client and server both read names by it. */
@Timeout(30)
class CertificateIdentityTest {

    @TempDir
    Path temp;

    @Test
    void theSubjectCommonNameIsTheIdentity() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "ca");
        assertThat(CertificateIdentity.of(read(ca.client("node-a").certificate())))
                .contains("node-a");
    }

    @Test
    void theCommonNameWinsOverDnsNames() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "ca");
        assertThat(CertificateIdentity.of(read(ca.clientWithDnsNames("node-a", List.of("other.example"))
                        .certificate())))
                .contains("node-a");
    }

    @Test
    void withoutACommonNameTheFirstDnsNameIsTheIdentity() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "ca");
        assertThat(CertificateIdentity.of(read(ca.clientWithDnsNames(null, List.of("node-b.example", "x.example"))
                        .certificate())))
                .contains("node-b.example");
    }

    @Test
    void blankNamesAreSkipped() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "ca");
        assertThat(CertificateIdentity.of(read(ca.clientWithDnsNames(" ", List.of(" ", "node-c.example"))
                        .certificate())))
                .contains("node-c.example");
    }

    @Test
    void aGarbledSubjectHasNoCommonName() {
        assertThat(CertificateIdentity.commonName("CN=node-a,,=")).isEmpty();
    }

    @Test
    void aCertificateNamingNobodyHasNoIdentity() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "ca");
        assertThat(CertificateIdentity.of(
                        read(ca.clientWithDnsNames(null, List.of()).certificate())))
                .isEmpty();
    }

    @Test
    void theMostSpecificCommonNameCounts() {
        assertThat(CertificateIdentity.commonName("CN=node-a,OU=nodes,CN=weft,O=example"))
                .contains("node-a");
        assertThat(CertificateIdentity.commonName("O=example")).isEmpty();
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
