package io.weft.allocator.store;

/** etcd could not be reached or answered with an error; nothing is known to have changed. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
