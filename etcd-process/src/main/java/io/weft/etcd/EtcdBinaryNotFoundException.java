package io.weft.etcd;

/** The etcd executable could not be found; the message says how to install or point to one. */
public final class EtcdBinaryNotFoundException extends EtcdStartException {

    public EtcdBinaryNotFoundException(String message) {
        super(message);
    }
}
