package io.weft.allocator.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS on the gRPC port: the server's certificate chain and PKCS#8 key (PEM), and optionally the
 * CA that client certificates must be signed by. With a client CA every client must present a
 * certificate (mutual TLS) and calls are checked against the {@link AccessPolicy}.
 *
 * @param certificateChain the server certificate, then any intermediates, PEM
 * @param privateKey       the server's private key, PKCS#8 PEM, unencrypted
 * @param clientCa         the CA certificates clients are verified against, or null for server-only TLS
 */
public record ServerTls(Path certificateChain, Path privateKey, Path clientCa) {

    public ServerTls {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    public boolean requiresClientCertificates() {
        return clientCa != null;
    }

    /**
     * Reads the files into a Netty context.
     *
     * @throws IllegalArgumentException naming the file when one is missing, unreadable or not PEM
     */
    public SslContext sslContext() {
        PemFiles.readable("TLS certificate", certificateChain);
        PemFiles.readable("TLS key", privateKey);
        if (clientCa != null) {
            PemFiles.readable("client CA", clientCa);
        }
        SslContextBuilder builder;
        try {
            builder = GrpcSslContexts.forServer(certificateChain.toFile(), privateKey.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "TLS certificate " + certificateChain + " and key " + privateKey
                            + " could not be loaded (PEM certificate and unencrypted PKCS#8 key expected): "
                            + PemFiles.reason(e),
                    e);
        }
        if (clientCa != null) {
            try {
                builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "client CA " + clientCa + " could not be loaded (PEM expected): " + PemFiles.reason(e), e);
            }
        }
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "TLS settings from " + certificateChain + " could not be used: " + PemFiles.reason(e), e);
        }
    }
}
