package io.weft.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servers a {@link WeftClient} talks to, with one lazily opened channel each, and which of
 * them is current. A call that finds its server unavailable moves "current" to the next address,
 * so the following attempt (or call) goes elsewhere. Thread-safe.
 */
final class ServerEndpoints implements AutoCloseable {

    /** The server a call attempt used, so that a failure can be pinned on it. */
    record Endpoint(int index, ManagedChannel channel) {}

    private final ManagedChannel[] channels;
    private final ChannelFactory channelFactory;
    private final List<ServerAddress> addresses;
    private final boolean ownsChannels;
    private final AtomicInteger current = new AtomicInteger();

    private ServerEndpoints(List<ServerAddress> addresses, ChannelFactory channelFactory, ManagedChannel given) {
        this.addresses = addresses;
        this.channelFactory = channelFactory;
        this.ownsChannels = given == null;
        this.channels = given == null ? new ManagedChannel[addresses.size()] : new ManagedChannel[] {given};
    }

    static ServerEndpoints of(List<ServerAddress> addresses, ChannelFactory channelFactory) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one server address is needed");
        }
        return new ServerEndpoints(List.copyOf(addresses), channelFactory, null);
    }

    /**
     * A single channel that the caller opened and keeps ownership of. Like the channels opened
     * here, it is told to reconnect at once when a call or attempt picks it after its connection
     * failed ({@link #current()}).
     */
    static ServerEndpoints ofChannel(ManagedChannel channel) {
        return new ServerEndpoints(List.of(), null, channel);
    }

    /**
     * The server for the next call or attempt. A channel whose last connection failed is told to
     * try again now: the caller's own back-off has already decided when to retry, and gRPC's
     * back-off between connection attempts (up to two minutes) would otherwise come on top of it,
     * so that a server back from a long outage could be left alone for minutes. The call that
     * starts the reconnection may still fail at once (the channel reports the failure until it is
     * connected); the caller's next attempt finds the connection made. Callers retry on a
     * back-off, so this reconnects no more often than they retry.
     */
    Endpoint current() {
        int index = current.get();
        ManagedChannel channel = channel(index);
        if (lastConnectionFailed(channel)) {
            channel.resetConnectBackoff();
        }
        return new Endpoint(index, channel);
    }

    private static boolean lastConnectionFailed(ManagedChannel channel) {
        try {
            return channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE;
        } catch (UnsupportedOperationException e) {
            return false; // a channel handed in that does not report its state
        }
    }

    /** Whether there is another server to move to. */
    boolean several() {
        return channels.length > 1;
    }

    /** Moves away from {@code failed} unless another caller already has. */
    void markUnavailable(Endpoint failed) {
        current.compareAndSet(failed.index(), (failed.index() + 1) % channels.length);
    }

    private synchronized ManagedChannel channel(int index) {
        if (channels[index] == null) {
            channels[index] = channelFactory.open(addresses.get(index));
        }
        return channels[index];
    }

    /** Shuts down the channels this object opened; a channel handed in is left to its owner. */
    @Override
    public synchronized void close() {
        if (!ownsChannels) {
            return;
        }
        for (ManagedChannel channel : channels) {
            if (channel != null) {
                channel.shutdown();
            }
        }
        for (ManagedChannel channel : channels) {
            if (channel != null) {
                awaitOrForce(channel);
            }
        }
    }

    private static void awaitOrForce(ManagedChannel channel) {
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
