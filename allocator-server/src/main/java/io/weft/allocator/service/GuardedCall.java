package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where work for a server call runs: the call method's own checks, future
 * callbacks, stream sends, and the ready and cancel handlers. Work runs one task at a time, in
 * order, on the given executor; any throwable it raises fails the call with INTERNAL (a
 * {@link StatusRuntimeException} with its own status) and is logged, so nothing on a call path
 * can disappear into a future or an executor and leave the client waiting forever.
 *
 * <p>gRPC accepts a stream's ready and cancel handlers only while the service method runs, so
 * {@link #open} must be called there; it installs both at once, and later parts of the call
 * register plain callbacks on this object instead.
 *
 * <p>Thread-safe: any thread may call {@link #run}; the work itself is serialised, so {@link #send},
 * {@link #fail} and {@link #complete} (which must be called from within run) need no locking.
 */
final class GuardedCall<T> {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedCall.class);

    private final ServerCallStreamObserver<T> stream;
    private final String method;
    private final SerialRunner runner;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable onReady = () -> {};
    private volatile Runnable onEnd = () -> {};

    private GuardedCall(ServerCallStreamObserver<T> stream, String method, Executor executor) {
        this.stream = stream;
        this.method = method;
        this.runner = new SerialRunner(executor, this::failInternal);
    }

    /** Takes over a call; must run inside the service method. */
    static <T> GuardedCall<T> open(StreamObserver<T> observer, String method, Executor executor) {
        GuardedCall<T> call = new GuardedCall<>((ServerCallStreamObserver<T>) observer, method, executor);
        call.stream.setOnCancelHandler(() -> {
            if (call.ended.compareAndSet(false, true)) {
                call.run(() -> call.onEnd.run());
            }
        });
        call.stream.setOnReadyHandler(() -> call.run(() -> call.onReady.run()));
        return call;
    }

    /** Runs the work after the work queued before it; a throwable fails the call. */
    void run(Runnable work) {
        runner.execute(work);
    }

    /** Runs then once the future completes, as call work. */
    <V> void after(CompletionStage<V> future, BiConsumer<? super V, ? super Throwable> then) {
        future.whenComplete((value, error) -> run(() -> then.accept(value, error)));
    }

    /** Called (as call work) whenever the client can take more messages. */
    void onReady(Runnable work) {
        this.onReady = work;
    }

    /** Called (as call work) exactly once when the call ends: cancelled, failed or completed. */
    void onEnd(Runnable work) {
        this.onEnd = work;
    }

    boolean isReady() {
        return !ended.get() && stream.isReady();
    }

    boolean ended() {
        return ended.get();
    }

    /** Sends one message; ignored once the call has ended. Call from within {@link #run}. */
    void send(T message) {
        if (!ended.get()) {
            stream.onNext(message);
        }
    }

    /** Ends the call with this error (a status exception keeps its status). Call from within run. */
    void fail(Throwable error) {
        Status status = Status.fromThrowable(error);
        if (status.getCode() == Status.Code.UNKNOWN) {
            status = Status.INTERNAL.withDescription(method + " failed inside the server: " + error);
        }
        if (ended.compareAndSet(false, true)) {
            try {
                stream.onError(status.asRuntimeException());
            } finally {
                onEnd.run();
            }
        }
    }

    /** Ends the call normally. Call from within {@link #run}. */
    void complete() {
        if (ended.compareAndSet(false, true)) {
            try {
                stream.onCompleted();
            } finally {
                onEnd.run();
            }
        }
    }

    private void failInternal(Throwable error) {
        if (error instanceof StatusRuntimeException) {
            LOG.debug("{}: call failed with {}", method, ((StatusRuntimeException) error).getStatus());
        } else {
            LOG.error("{}: unexpected failure; ending the call with INTERNAL", method, error);
        }
        try {
            fail(error);
        } catch (Throwable closing) {
            LOG.debug("{}: the call could not be closed (it may have ended already)", method, closing);
        }
    }
}
