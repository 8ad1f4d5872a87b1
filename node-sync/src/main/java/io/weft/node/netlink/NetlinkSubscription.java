package io.weft.node.netlink;

import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.DataplaneException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to kernel notifications, as {@link NetlinkDataplane#watchLinks} and
 * {@link NetlinkDataplane#watchRoutes} answer it: a multicast netlink socket (RTMGRP_* groups)
 * read by its own platform thread, which hands every notification to the consumer in arrival
 * order. When the kernel had to drop notifications because the consumer fell behind (ENOBUFS)
 * it says so through {@code eventsLost}: the subscriber should then re-read the state it
 * follows. {@link #close()} stops the thread within 200 ms; the thread closes the socket.
 */
public final class NetlinkSubscription implements Dataplane.Subscription {

    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_ROUTE = 0x40;
    static final int RTMGRP_IPV6_ROUTE = 0x400;

    private static final Logger LOG = LoggerFactory.getLogger(NetlinkSubscription.class);
    /** How long close() may wait for the reading thread to notice. */
    private static final Duration POLL = Duration.ofMillis(200);

    private final NetlinkSocket socket;
    private final Thread reader;
    private volatile boolean closed;

    private NetlinkSubscription(
            NetlinkSocket socket, String name, Consumer<NetlinkMessage> onMessage, Runnable eventsLost) {
        this.socket = socket;
        this.reader = Thread.ofPlatform().name(name).daemon().unstarted(() -> read(onMessage, eventsLost));
    }

    /** Subscribes to {@code groups} in {@code namespace} (null: the current one) and starts reading. */
    static NetlinkSubscription start(
            Path namespace, int groups, String name, Consumer<NetlinkMessage> onMessage, Runnable eventsLost) {
        NetlinkSubscription subscription =
                new NetlinkSubscription(NetlinkSocket.open(namespace, groups, POLL), name, onMessage, eventsLost);
        subscription.reader.start();
        return subscription;
    }

    private void read(Consumer<NetlinkMessage> onMessage, Runnable eventsLost) {
        try {
            readUntilClosed(onMessage, eventsLost);
        } finally {
            socket.close();
        }
    }

    private void readUntilClosed(Consumer<NetlinkMessage> onMessage, Runnable eventsLost) {
        while (!closed) {
            try {
                for (NetlinkMessage message : socket.receive()) {
                    onMessage.accept(message);
                }
            } catch (DataplaneException e) {
                if (e.errno() != Errno.ENOBUFS.value()) {
                    LOG.warn("{} stops: {}", reader.getName(), e.getMessage());
                    return;
                }
                LOG.warn("{}: the kernel dropped notifications (receive buffer full)", reader.getName());
                eventsLost.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: a subscriber failed on a notification", reader.getName(), e);
            }
        }
    }

    /** Stops the notifications; no consumer call starts after this returns (unless called by one). */
    @Override
    public void close() {
        closed = true;
        if (Thread.currentThread() != reader) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
