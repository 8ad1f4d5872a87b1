package io.weft.client;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * TLS to the allocator: the CA that signed the server's certificate, and for servers that
 * require client certificates (mutual TLS) this client's certificate and key. The server takes
 * the certificate's CN as who is calling: a node's certificate must name the node.
 *
 * @param ca          CA certificates the server is verified against (PEM); null for the JVM's trust store
 * @param certificate this client's certificate chain (PEM), or null for none
 * @param key         its private key, unencrypted PKCS#8 PEM; given together with certificate
 */
public record ClientTls(Path ca, Path certificate, Path key) {

    private static final int DNS_NAME = 2;

    public ClientTls {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("a TLS client certificate and its key go together: give both or neither");
        }
    }

    /**
     * Reads the files into a Netty context.
     *
     * @throws IllegalArgumentException naming the file when one is missing, unreadable or not PEM
     */
    public SslContext sslContext() {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (ca != null) {
            readable("TLS CA", ca);
            try {
                builder.trustManager(ca.toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("TLS CA " + ca + " could not be loaded (PEM expected): "
                        + reason(e), e);
            }
        }
        if (certificate != null) {
            readable("TLS certificate", certificate);
            readable("TLS key", key);
            try {
                builder.keyManager(certificate.toFile(), key.toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("TLS certificate " + certificate + " and key " + key
                        + " could not be loaded (PEM certificate and unencrypted PKCS#8 key expected): " + reason(e), e);
            }
        }
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS settings could not be used: " + reason(e), e);
        }
    }

    /**
     * The identity the server will see: the certificate's subject CN, else its first DNS subject
     * alternative name (the server's rule). Empty without a certificate or a name in it.
     *
     * @throws IllegalArgumentException when the certificate cannot be read
     */
    public Optional<String> identity() {
        if (certificate == null) {
            return Optional.empty();
        }
        readable("TLS certificate", certificate);
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(certificate)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("TLS certificate " + certificate + " could not be read (PEM expected): "
                    + e.getMessage(), e);
        }
        try {
            List<Rdn> rdns = new LdapName(leaf.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN") && !rdns.get(i).getValue().toString().isBlank()) {
                    return Optional.of(rdns.get(i).getValue().toString());
                }
            }
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            return names == null ? Optional.empty() : names.stream()
                    .filter(name -> name.size() == 2 && Integer.valueOf(DNS_NAME).equals(name.get(0)))
                    .map(name -> String.valueOf(name.get(1))).findFirst();
        } catch (InvalidNameException | CertificateParsingException e) {
            return Optional.empty();
        }
    }

    private static void readable(String role, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(role + " " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(role + " " + file + ": not readable by this user");
        }
    }

    private static String reason(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return cause == error ? message : error.getMessage() + " (" + message + ")";
    }
}
