package io.weft.allocator.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.weft.api.v1.WatchLeasesResponse;

/**
 * A WatchLeases message as its wire bytes, encoded once when it is made: an event fanned out
 * to thousands of watchers is serialised once, and each stream writes the same bytes.
 *
 * <p>Only the bytes, the type and the revision are kept, not the message they were encoded
 * from: the hub's history holds thousands of these, and the message's objects (the lease, its
 * VXLAN data, expiry and subnet text) would cost more than the bytes. {@link #message()}
 * decodes them again for the few in-process sinks that read the message.
 *
 * <p>Immutable; the bytes are never handed out for writing.
 */
final class WatchMessage {

    private final byte[] wire;
    private final WatchLeasesResponse.Type type;
    private final long revision;

    private WatchMessage(byte[] wire, WatchLeasesResponse.Type type, long revision) {
        this.wire = wire;
        this.type = type;
        this.revision = revision;
    }

    static WatchMessage of(WatchLeasesResponse message) {
        return new WatchMessage(message.toByteArray(), message.getType(), message.getRevision());
    }

    /** The message, decoded from the bytes on each call. */
    WatchLeasesResponse message() {
        try {
            return WatchLeasesResponse.parseFrom(wire);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a watch message encoded here does not decode", e);
        }
    }

    WatchLeasesResponse.Type type() {
        return type;
    }

    long revision() {
        return revision;
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
