package io.weft.faults;

/** A lease as stored in etcd, reduced to what the checker compares: who holds it, since which write. */
public record HeldLease(String node, long modRevision) {}
