package io.weft.allocator.service;

import io.weft.api.v1.WatchLeasesResponse;

/**
 * A WatchLeases message with its wire bytes, encoded once when it is made: an event fanned out
 * to thousands of watchers is serialised once, and each stream writes the same bytes.
 *
 * <p>Immutable; the bytes are never handed out for writing.
 */
final class WatchMessage {

    private final WatchLeasesResponse message;
    private final byte[] wire;

    private WatchMessage(WatchLeasesResponse message, byte[] wire) {
        this.message = message;
        this.wire = wire;
    }

    static WatchMessage of(WatchLeasesResponse message) {
        return new WatchMessage(message, message.toByteArray());
    }

    WatchLeasesResponse message() {
        return message;
    }

    WatchLeasesResponse.Type type() {
        return message.getType();
    }

    long revision() {
        return message.getRevision();
    }

    /** The encoded size in bytes. */
    int size() {
        return wire.length;
    }

    /** The wire bytes, shared: read only. */
    byte[] wire() {
        return wire;
    }
}
