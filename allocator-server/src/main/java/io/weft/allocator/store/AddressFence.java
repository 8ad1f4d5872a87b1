package io.weft.allocator.store;

/**
 * An address claim key a write puts or deletes, with the mod revision the writer last saw it
 * at (0: absent). The write happens only if etcd still has that revision.
 */
public record AddressFence(HostAddress address, long expectedModRevision) {}
