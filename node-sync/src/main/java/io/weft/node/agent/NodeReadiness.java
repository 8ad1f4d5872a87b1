package io.weft.node.agent;

/**
 * What /readyz answers: ready once the lease is held, subnet.env written and the first full
 * sync of peers applied. Written by the kernel thread, read by the HTTP server.
 */
final class NodeReadiness {

    private volatile boolean leaseHeld;
    private volatile boolean subnetFileWritten;
    private volatile boolean synced;

    void leaseHeld() {
        leaseHeld = true;
    }

    void subnetFileWritten() {
        subnetFileWritten = true;
    }

    void synced() {
        synced = true;
    }

    boolean ready() {
        return notReadyReason() == null;
    }

    /** Null when ready, else what is missing. */
    String notReadyReason() {
        if (!leaseHeld) {
            return "no lease yet";
        }
        if (!subnetFileWritten) {
            return "subnet.env not written";
        }
        return synced ? null : "first sync of peers not applied";
    }
}
