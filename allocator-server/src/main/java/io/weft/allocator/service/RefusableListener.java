package io.weft.allocator.service;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * A server call listener that looks at each request before the rest of the chain and may refuse
 * the call. Once refused, the call is closed with the refusal and nothing more reaches the
 * delegate: no further message, no half-close (which would make a unary handler run the
 * service, or complain that no request came) and no onReady. Cancellation and completion still
 * pass, so the delegate can let go of what it holds.
 *
 * <p>gRPC calls a listener from one thread at a time, so the refusal needs no locking.
 */
public abstract class RefusableListener<Q> extends ForwardingServerCallListener<Q> {

    private final ServerCall<Q, ?> call;
    private final ServerCall.Listener<Q> delegate;
    private boolean refused;

    protected RefusableListener(ServerCall<Q, ?> call, ServerCall.Listener<Q> delegate) {
        this.call = call;
        this.delegate = delegate;
    }

    /**
     * Decides on one request: either {@link #forward} it or {@link #refuse} the call. Not called
     * again once the call is refused.
     */
    protected abstract void inspect(Q message);

    /** Passes the request on to the rest of the chain. */
    protected final void forward(Q message) {
        delegate.onMessage(message);
    }

    /** Closes the call with this status; the delegate hears nothing more but cancel and complete. */
    protected final void refuse(Status status) {
        refused = true;
        call.close(status, new Metadata());
    }

    @Override
    protected final ServerCall.Listener<Q> delegate() {
        return delegate;
    }

    @Override
    public final void onMessage(Q message) {
        if (!refused) {
            inspect(message);
        }
    }

    @Override
    public final void onHalfClose() {
        if (!refused) {
            delegate.onHalfClose();
        }
    }

    @Override
    public final void onReady() {
        if (!refused) {
            delegate.onReady();
        }
    }
}
