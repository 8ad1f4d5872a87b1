package io.weft.client;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.weft.config.CertificateIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;

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

    public ClientTls {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException(
                    "a TLS client certificate and its key go together: give both or neither");
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
                throw new IllegalArgumentException(
                        "TLS CA " + ca + " could not be loaded (PEM expected): " + reason(e), e);
            }
        }
        if (certificate != null) {
            readable("TLS certificate", certificate);
            readable("TLS key", key);
            try {
                builder.keyManager(certificate.toFile(), key.toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "TLS certificate " + certificate + " and key " + key
                                + " could not be loaded (PEM certificate and unencrypted PKCS#8 key expected): "
                                + reason(e),
                        e);
            }
        }
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS settings could not be used: " + reason(e), e);
        }
    }

    /**
     * The identity the server will see, by the server's own rule ({@link CertificateIdentity}).
     * Empty without a certificate or a name in it.
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
            throw new IllegalArgumentException(
                    "TLS certificate " + certificate + " could not be read (PEM expected): " + e.getMessage(), e);
        }
        return CertificateIdentity.of(leaf);
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
        String message = cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
        return cause == error ? message : error.getMessage() + " (" + message + ")";
    }
}
