package io.weft.allocator.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.weft.allocator.service.RefusableListener;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.WatchLeasesRequest;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link AccessPolicy} to every call of the lease and network services: reads the
 * caller's identity from its verified client certificate, looks at the request message, and
 * either passes the call on (with the identity in the gRPC {@link Context}) or closes it with
 * PERMISSION_DENIED before the service sees it, counting the refusal in
 * {@code weft_permission_denied_total{method}}.
 *
 * <p>The holder check here only sharpens the error: the lease operations themselves still
 * refuse to renew or release a lease whose holder differs from node_name, so a lease changing
 * hands between this check and the write cannot be exploited.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationInterceptor.class);

    private final AccessPolicy policy;
    private final Function<String, Optional<String>> holderOfSubnet;
    private final MeterRegistry registry;

    /**
     * @param holderOfSubnet the node name holding the lease on a subnet given as text ("" for a
     *                       flanneld lease); empty when there is none or the text is no subnet
     */
    public AuthorizationInterceptor(
            AccessPolicy policy, Function<String, Optional<String>> holderOfSubnet, MeterRegistry registry) {
        this.policy = policy;
        this.holderOfSubnet = holderOfSubnet;
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        Optional<String> identity = CallerIdentity.of(session);
        if (identity.isEmpty()) {
            call.close(
                    Status.UNAUTHENTICATED.withDescription("no verified client certificate naming an identity "
                            + "(a subject CN or a DNS subject alternative name) came with this call"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        String caller = identity.get();
        Set<String> certificateIps = CallerIdentity.ipAddresses(session);
        Context context = Context.current().withValue(CallerIdentity.KEY, caller);
        ServerCall.Listener<Q> delegate = Contexts.interceptCall(context, call, headers, next);
        String method = call.getMethodDescriptor().getBareMethodName();
        return new RefusableListener<>(call, delegate) {
            @Override
            protected void inspect(Q message) {
                Optional<String> refusal = policy.refusal(caller, certificateIps, attemptOf(message));
                if (refusal.isEmpty()) {
                    forward(message);
                    return;
                }
                Counter.builder("weft_permission_denied")
                        .description("Calls refused by the access policy")
                        .tag("method", String.valueOf(method))
                        .register(registry)
                        .increment();
                LOG.warn("refused {}: {}", method, refusal.get());
                refuse(Status.PERMISSION_DENIED.withDescription(refusal.get()));
            }
        };
    }

    /** What a request message attempts; a message this does not know needs an admin. */
    Attempt attemptOf(Object request) {
        return switch (request) {
            case AcquireLeaseRequest acquire ->
                new Attempt.OnLease(
                        "acquire",
                        acquire.getNodeName(),
                        "",
                        Optional.empty(),
                        Stream.of(acquire.getPublicIp(), acquire.getPublicIpv6())
                                .filter(ip -> !ip.isEmpty())
                                .toList());
            case RenewLeaseRequest renew ->
                new Attempt.OnLease(
                        "renew", renew.getNodeName(), renew.getSubnet(), holderOfSubnet.apply(renew.getSubnet()));
            case ReleaseLeaseRequest release ->
                new Attempt.OnLease(
                        "release",
                        release.getNodeName(),
                        release.getSubnet(),
                        holderOfSubnet.apply(release.getSubnet()));
            case GetLeaseRequest ignored -> new Attempt.Read();
            case ListLeasesRequest ignored -> new Attempt.Read();
            case WatchLeasesRequest ignored -> new Attempt.Read();
            case GetConfigRequest ignored -> new Attempt.Read();
            case GetUsageRequest ignored -> new Attempt.Read();
            case io.weft.api.v1.SetConfigRequest ignored -> new Attempt.Administer("set the network config");
            case io.weft.api.v1.CreateReservationRequest ignored -> new Attempt.Administer("create a reservation");
            case io.weft.api.v1.DeleteReservationRequest ignored -> new Attempt.Administer("delete a reservation");
            case io.weft.api.v1.CheckRequest ignored -> new Attempt.Administer("run the consistency check");
            default -> new Attempt.Administer("call a method the access policy does not know");
        };
    }
}
