package io.weft.node.agent;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds back everything the server sends on WatchLeases streams until {@link #release()}: a
 * watch snapshot that is slow to arrive, as a huge network's is. The other calls pass untouched.
 */
final class HeldWatches implements ServerInterceptor {

    private final List<Runnable> held = new ArrayList<>();
    private boolean holding = true;

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (!call.getMethodDescriptor().getBareMethodName().equals("WatchLeases")) {
            return next.startCall(call, headers);
        }
        return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendMessage(A message) {
                        synchronized (HeldWatches.this) {
                            if (holding) {
                                held.add(() -> super.sendMessage(message));
                                return;
                            }
                        }
                        super.sendMessage(message);
                    }
                },
                headers);
    }

    /** How many messages are held back now. */
    synchronized int heldMessages() {
        return held.size();
    }

    /** Sends what was held, in order; later messages pass at once. */
    synchronized void release() {
        holding = false;
        for (Runnable send : held) {
            try {
                send.run();
            } catch (IllegalStateException e) {
                // that stream ended meanwhile (the client gave up on a silent stream): nothing to send
            }
        }
        held.clear();
    }
}
