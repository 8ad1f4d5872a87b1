package io.weft.allocator.store;

/** The network-config key: its JSON text exactly as stored, and the revision it was written at. */
public record StoredConfig(String json, long modRevision) {}
