package io.weft.client;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Runs unary calls against the current server. A call that fails with {@code UNAVAILABLE} moves
 * the client to the next address and, when the call is {@link Idempotency#IDEMPOTENT}, is retried
 * there with back-off (resilience4j). With more than one address, {@code DEADLINE_EXCEEDED} does
 * the same: a server that accepts connections but never answers (a frozen process, a replica
 * stuck on an etcd member that lost quorum) must not hold its clients while another replica
 * could serve them. Idempotent calls are also retried, on the same server, after
 * {@code ABORTED}: the server's answer to a write that raced another (a renewal or release
 * fenced by a revision its view had not caught up with yet), which a moment later succeeds.
 * Every other failure reaches the caller unchanged.
 */
final class FailoverCaller {

    private final ServerEndpoints endpoints;
    private final Retry retry;
    private final ScheduledExecutorService retryExecutor;

    FailoverCaller(ServerEndpoints endpoints, RetryPolicy policy, ScheduledExecutorService retryExecutor) {
        this.endpoints = endpoints;
        this.retryExecutor = retryExecutor;
        this.retry = Retry.of(
                "weft-client",
                RetryConfig.custom()
                        .maxAttempts(policy.maxAttempts())
                        .intervalFunction(policy.backoff().intervalFunction())
                        .retryOnException(failure -> isServerAway(failure) || isAborted(failure))
                        .build());
    }

    /** Calls on the calling thread; throws {@link StatusRuntimeException} on failure. */
    <T> T blocking(Idempotency idempotency, Function<Channel, T> call) {
        return idempotency == Idempotency.IDEMPOTENT ? retry.executeSupplier(() -> attempt(call)) : attempt(call);
    }

    /** Calls asynchronously; the future fails with {@link StatusRuntimeException}. */
    <T> CompletableFuture<T> async(Idempotency idempotency, BiConsumer<Channel, StreamObserver<T>> call) {
        if (idempotency == Idempotency.NOT_IDEMPOTENT) {
            return attemptAsync(call);
        }
        return retry.executeCompletionStage(retryExecutor, () -> attemptAsync(call))
                .toCompletableFuture();
    }

    private <T> T attempt(Function<Channel, T> call) {
        ServerEndpoints.Endpoint endpoint = endpoints.current();
        try {
            return call.apply(endpoint.channel());
        } catch (StatusRuntimeException e) {
            throw noteFailure(endpoint, e);
        }
    }

    private <T> CompletableFuture<T> attemptAsync(BiConsumer<Channel, StreamObserver<T>> call) {
        ServerEndpoints.Endpoint endpoint = endpoints.current();
        FutureObserver<T> observer = new FutureObserver<>();
        try {
            call.accept(endpoint.channel(), observer);
        } catch (RuntimeException e) {
            observer.onError(e);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        observer.future().whenComplete((value, failure) -> {
            try {
                if (failure == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(noteFailure(endpoint, unwrap(failure)));
                }
            } catch (RuntimeException e) {
                // Never leave the caller waiting on a future nobody will complete.
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private StatusRuntimeException noteFailure(ServerEndpoints.Endpoint endpoint, Throwable failure) {
        Status status = Status.fromThrowable(failure);
        if (isServerAway(failure)) {
            endpoints.markUnavailable(endpoint);
        }
        return failure instanceof StatusRuntimeException sre ? sre : status.asRuntimeException();
    }

    /** UNAVAILABLE, or DEADLINE_EXCEEDED when another server could answer instead. */
    private boolean isServerAway(Throwable failure) {
        Status.Code code = Status.fromThrowable(unwrap(failure)).getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED && endpoints.several();
    }

    private static boolean isAborted(Throwable failure) {
        return Status.fromThrowable(unwrap(failure)).getCode() == Status.Code.ABORTED;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
