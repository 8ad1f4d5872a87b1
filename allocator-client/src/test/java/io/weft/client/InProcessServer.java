package io.weft.client;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** An in-process gRPC server with the given services and a channel to it, for unit tests. */
public final class InProcessServer implements AutoCloseable {

    private final String name;
    private final Server server;
    private final ManagedChannel channel;

    private InProcessServer(String name, BindableService... services) {
        this.name = name;
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        for (BindableService service : services) {
            builder.addService(service);
        }
        try {
            this.server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** A server under a fresh unique name. */
    public static InProcessServer start(BindableService... services) {
        return new InProcessServer(InProcessServerBuilder.generateName(), services);
    }

    /** A server under {@code name}, e.g. an address a {@link ChannelFactory} maps to it. */
    public static InProcessServer startNamed(String name, BindableService... services) {
        return new InProcessServer(name, services);
    }

    /** A channel factory that reaches in-process servers named after the address. */
    public static ChannelFactory channelFactory() {
        return address -> InProcessChannelBuilder.forName(address.toString())
                .directExecutor()
                .build();
    }

    public String name() {
        return name;
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
