package io.weft.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Completes a future with the single response of a unary call, or with its failure status. */
final class FutureObserver<T> implements StreamObserver<T> {

    private final CompletableFuture<T> future = new CompletableFuture<>();

    CompletableFuture<T> future() {
        return future;
    }

    @Override
    public void onNext(T value) {
        future.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        future.completeExceptionally(Status.fromThrowable(t).asRuntimeException());
    }

    @Override
    public void onCompleted() {
        if (!future.isDone()) {
            future.completeExceptionally(Status.INTERNAL
                    .withDescription("the server completed the call without a response")
                    .asRuntimeException());
        }
    }
}
