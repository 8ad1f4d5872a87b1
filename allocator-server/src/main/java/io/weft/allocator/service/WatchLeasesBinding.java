package io.weft.allocator.service;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import java.util.function.BiConsumer;

/**
 * The lease service as generated, except WatchLeases, whose responses are {@link WatchMessage}s
 * written as already encoded ({@link WatchMessageMarshaller}). The wire format is unchanged:
 * clients still read WatchLeasesResponse messages; only the server skips re-serialising one
 * event per watcher.
 */
final class WatchLeasesBinding {

    /** WatchLeases with the pass-through response marshaller; same name, request and schema. */
    static final MethodDescriptor<WatchLeasesRequest, WatchMessage> WATCH_LEASES =
            LeaseServiceGrpc.getWatchLeasesMethod().toBuilder(
                            LeaseServiceGrpc.getWatchLeasesMethod().getRequestMarshaller(),
                            new WatchMessageMarshaller())
                    .build();

    private WatchLeasesBinding() {}

    /** The generated service definition with WatchLeases served by open instead. */
    static ServerServiceDefinition rebind(
            ServerServiceDefinition generated, BiConsumer<WatchLeasesRequest, StreamObserver<WatchMessage>> open) {
        ServiceDescriptor service = generated.getServiceDescriptor();
        String watch = WATCH_LEASES.getFullMethodName();
        ServiceDescriptor.Builder descriptor =
                ServiceDescriptor.newBuilder(service.getName()).setSchemaDescriptor(service.getSchemaDescriptor());
        for (MethodDescriptor<?, ?> method : service.getMethods()) {
            descriptor.addMethod(method.getFullMethodName().equals(watch) ? WATCH_LEASES : method);
        }
        ServerServiceDefinition.Builder rebound = ServerServiceDefinition.builder(descriptor.build());
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            if (!method.getMethodDescriptor().getFullMethodName().equals(watch)) {
                rebound.addMethod(method);
            }
        }
        rebound.addMethod(WATCH_LEASES, ServerCalls.asyncServerStreamingCall(open::accept));
        return rebound.build();
    }
}
