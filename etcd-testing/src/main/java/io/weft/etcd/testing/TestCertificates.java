package io.weft.etcd.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made at test time, writing PEM files the way an operator's openssl
 * commands would: a CA certificate, and leaf certificates with a key in PKCS#8. Nothing is
 * checked in; every run gets fresh keys (EC P-256, fast to generate).
 */
public final class TestCertificates {

    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    private final Path directory;
    private final String name;
    private final KeyPair caKeys;
    private final X509Certificate caCertificate;

    /** The PEM files of one certificate: its chain file, its key, and the CA that signed it. */
    public record Issued(Path certificate, Path key, Path ca) {}

    private TestCertificates(Path directory, String name, KeyPair caKeys, X509Certificate caCertificate) {
        this.directory = directory;
        this.name = name;
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
    }

    /** A new CA named {@code name}, writing its files under {@code directory}. */
    public static TestCertificates authority(Path directory, String name) {
        try {
            Files.createDirectories(directory);
            KeyPair keys = newKeys();
            X500Name subject = new X500Name("CN=" + name);
            JcaX509v3CertificateBuilder builder = certificateBuilder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate certificate = sign(builder, keys);
            TestCertificates authority = new TestCertificates(directory, name, keys, certificate);
            writePem(authority.caFile(), certificate);
            return authority;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA certificate, PEM. */
    public Path caFile() {
        return directory.resolve(name + "-ca.pem");
    }

    /** A server certificate for 127.0.0.1 and localhost (usable as a client certificate too). */
    public Issued server(String commonName) {
        return issue(commonName, List.of("localhost"), List.of("127.0.0.1"));
    }

    /** A server certificate for these IP addresses (and localhost). */
    public Issued serverFor(String commonName, List<String> ipAddresses) {
        return issue(commonName, List.of("localhost"), ipAddresses);
    }

    /** A client certificate whose subject CN is {@code commonName}, with no SAN. */
    public Issued client(String commonName) {
        return issue(commonName, List.of(), List.of());
    }

    /** A client certificate whose subject CN is {@code commonName}, with these IP SANs. */
    public Issued clientWithIpAddresses(String commonName, List<String> ipAddresses) {
        return issue(commonName, List.of(), ipAddresses);
    }

    /** A client certificate with these DNS SANs and, unless null, this CN. */
    public Issued clientWithDnsNames(String commonName, List<String> dnsNames) {
        return issue(commonName, dnsNames, List.of());
    }

    private Issued issue(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        try {
            KeyPair keys = newKeys();
            X500Name subject = new X500Name(commonName == null ? "O=weft-test" : "CN=" + commonName);
            JcaX509v3CertificateBuilder builder = certificateBuilder(new X500Name("CN=" + name), subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            List<GeneralName> names = new ArrayList<>();
            for (String dns : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, dns));
            }
            for (String ip : ipAddresses) {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            }
            if (!names.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate certificate = sign(builder, caKeys);
            String base = name + "-" + (commonName == null ? "nocn-" + SERIALS.incrementAndGet() : commonName);
            Path certificateFile = directory.resolve(base + ".pem");
            Path keyFile = directory.resolve(base + "-key.pem");
            writePem(certificateFile, certificate);
            writePem(keyFile, new JcaPKCS8Generator(keys.getPrivate(), null));
            return new Issued(certificateFile, keyFile, caFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JcaX509v3CertificateBuilder certificateBuilder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
            X509CertificateHolder holder = builder.build(contentSigner);
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static void writePem(Path file, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof JcaPKCS8Generator generator ? generator.generate() : object);
        }
        Files.writeString(file, text.toString());
    }
}
