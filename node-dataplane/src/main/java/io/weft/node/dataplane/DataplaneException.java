package io.weft.node.dataplane;

/** The kernel refused a single call; the message names the operation, the object and the reason. */
public final class DataplaneException extends RuntimeException {

    private final int errno;

    public DataplaneException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno the kernel answered with, or 0 when the failure was not the kernel's. */
    public int errno() {
        return errno;
    }
}
