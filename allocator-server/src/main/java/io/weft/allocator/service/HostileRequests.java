package io.weft.allocator.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a service so hostile requests get a proper answer:
 * <ul>
 * <li>bytes that are not a valid protobuf message get INVALID_ARGUMENT naming the method. Left to
 *     gRPC, the parser's exception escapes into the transport: the client gets UNKNOWN
 *     "Application error processing RPC" and the server logs a stack trace at SEVERE for every
 *     such request, which lets any client flood the log;</li>
 * <li>a status description is cut to {@value #MAX_DESCRIPTION} characters. Services that echo a
 *     field (gRPC's health service names the unknown service it was asked about) would otherwise
 *     send trailers larger than a client accepts, and the client drops its whole connection.</li>
 * </ul>
 * The service is re-bound to take raw bytes, so parsing happens inside this listener where its
 * failure can be caught; the original handlers and marshallers are unchanged otherwise.
 */
public final class HostileRequests {

    static final int MAX_DESCRIPTION = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HostileRequests.class);

    private HostileRequests() {}

    public static ServerServiceDefinition guarded(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), new Guard());
    }

    private static final class Guard implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            ServerCall<Q, R> capped = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    super.close(capped(status), trailers);
                }
            };
            return new RefusableListener<>(call, next.startCall(capped, headers)) {
                @Override
                protected void inspect(Q message) {
                    try {
                        forward(message);
                    } catch (RuntimeException e) {
                        InvalidProtocolBufferException parse = parseFailure(e);
                        if (parse == null) {
                            throw e;
                        }
                        String method = call.getMethodDescriptor().getFullMethodName();
                        LOG.debug("unparseable request to {}: {}", method, parse.getMessage());
                        refuse(Status.INVALID_ARGUMENT.withDescription("the request is not a valid protobuf "
                                + "message for " + method + ": " + parse.getMessage()));
                    }
                }
            };
        }
    }

    private static Status capped(Status status) {
        String description = status.getDescription();
        if (description == null || description.length() <= MAX_DESCRIPTION) {
            return status;
        }
        return status.withDescription(
                description.substring(0, MAX_DESCRIPTION) + "... (" + description.length() + " characters)");
    }

    private static InvalidProtocolBufferException parseFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidProtocolBufferException parse) {
                return parse;
            }
        }
        return null;
    }
}
