package io.weft.allocator.service;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts every finished gRPC call by method and status code ({@code weft_grpc_calls_total}). */
final class CallMetricsInterceptor implements ServerInterceptor {

    private final MeterRegistry registry;

    CallMetricsInterceptor(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        Counter.builder("weft_grpc_calls")
                                .tag("method", String.valueOf(method))
                                .tag("code", status.getCode().name())
                                .register(registry)
                                .increment();
                        super.close(status, trailers);
                    }
                },
                headers);
    }
}
