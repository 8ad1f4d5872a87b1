package io.weft.client;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;

/**
 * Passes a watch stream through to the caller's observer, moving the client off a server that
 * became unavailable, and keeps the call so that it can be cancelled.
 */
final class WatchStreamObserver implements ClientResponseObserver<WatchLeasesRequest, WatchLeasesResponse> {

    private final ServerEndpoints endpoints;
    private final ServerEndpoints.Endpoint endpoint;
    private final StreamObserver<WatchLeasesResponse> delegate;
    private volatile ClientCallStreamObserver<WatchLeasesRequest> call;

    WatchStreamObserver(
            ServerEndpoints endpoints,
            ServerEndpoints.Endpoint endpoint,
            StreamObserver<WatchLeasesResponse> delegate) {
        this.endpoints = endpoints;
        this.endpoint = endpoint;
        this.delegate = delegate;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchLeasesRequest> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(WatchLeasesResponse value) {
        delegate.onNext(value);
    }

    @Override
    public void onError(Throwable t) {
        if (Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE) {
            endpoints.markUnavailable(endpoint);
        }
        delegate.onError(t);
    }

    @Override
    public void onCompleted() {
        delegate.onCompleted();
    }

    /**
     * Gives up on a stream that went silent: the next call (the reconnect) goes to the next
     * server, then the call is cancelled.
     */
    void abandon() {
        endpoints.markUnavailable(endpoint);
        cancel();
    }

    /** Cancels the call; the delegate then sees {@code CANCELLED}. */
    void cancel() {
        ClientCallStreamObserver<WatchLeasesRequest> started = call;
        if (started != null) {
            started.cancel("watch cancelled by the client", null);
        }
    }
}
