package io.weft.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;

/**
 * Opens the gRPC channel to one server. This is the one place that decides transport security,
 * so adding TLS means adding a factory, not touching the callers.
 *
 * <p>Implementations must be thread-safe. The caller owns (and shuts down) every channel it opens.
 */
@FunctionalInterface
public interface ChannelFactory {

    ManagedChannel open(ServerAddress address);

    /** Plaintext HTTP/2, for loopback and trusted networks. */
    static ChannelFactory plaintext() {
        return address -> Grpc.newChannelBuilderForAddress(
                        address.host(), address.port(), InsecureChannelCredentials.create())
                .build();
    }

    /**
     * TLS, and mutual TLS when {@code tls} has a client certificate. The files are read now, so
     * a bad path fails here rather than at the first call.
     *
     * @throws IllegalArgumentException naming the file when one is missing or not PEM
     */
    static ChannelFactory tls(ClientTls tls) {
        SslContext context = tls.sslContext();
        return address -> NettyChannelBuilder.forAddress(address.host(), address.port())
                .sslContext(context)
                .build();
    }
}
