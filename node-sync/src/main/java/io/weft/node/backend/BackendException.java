package io.weft.node.backend;

/**
 * This host cannot run the chosen backend as configured; the message says what is wrong and what
 * to change (e.g. the public IP is not an address of the external interface, for host-gw).
 */
public final class BackendException extends Exception {

    public BackendException(String message) {
        super(message);
    }
}
