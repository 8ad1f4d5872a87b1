package io.weft.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

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
}
