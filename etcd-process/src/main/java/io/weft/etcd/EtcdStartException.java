package io.weft.etcd;

/**
 * An etcd member did not start: the binary is missing, the process exited, or {@code /health}
 * did not turn true in time. The message carries what a person needs to act on it: the command
 * line and the end of {@code etcd.log}.
 */
public class EtcdStartException extends RuntimeException {

    private final boolean addressInUse;

    public EtcdStartException(String message, boolean addressInUse, Throwable cause) {
        super(message, cause);
        this.addressInUse = addressInUse;
    }

    public EtcdStartException(String message) {
        this(message, false, null);
    }

    /**
     * Whether etcd exited because one of its ports was taken, typically by another process that
     * grabbed a port between our free-port probe and etcd's bind. Retrying with fresh ports helps.
     */
    public boolean addressInUse() {
        return addressInUse;
    }
}
