package io.weft.allocator.store;

import com.google.protobuf.CodedInputStream;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.options.LeaseOption;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.netty.handler.ssl.SslContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * etcd's lease table, read only: the list of every etcd lease (etcd's {@code Lease/LeaseLeases},
 * which jetcd 0.8.7 does not offer, so it is called raw on a channel of its own) and one lease's
 * time to live and attached keys (through jetcd). Nothing here writes. Thread-safe.
 */
public final class EtcdLeaseTable {

    /** How long one etcd call may take: listing tens of thousands of leases is one message. */
    private static final long DEADLINE_SECONDS = 30;

    private static final MethodDescriptor<byte[], List<Long>> LEASE_LEASES =
            MethodDescriptor.<byte[], List<Long>>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("etcdserverpb.Lease/LeaseLeases")
                    .setRequestMarshaller(new EmptyRequest())
                    .setResponseMarshaller(new LeaseIds())
                    .build();

    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    /**
     * How one etcd lease stands.
     *
     * @param remainingSeconds seconds to expiry; negative when etcd no longer has it (or it is overdue)
     * @param grantedSeconds   the TTL it was granted with
     * @param keys             how many keys are attached (0 when not asked)
     */
    public record LeaseState(long remainingSeconds, long grantedSeconds, int keys) {}

    private final Client client;
    private final List<String> endpoints;
    private final Optional<SslContext> tls;
    private final String user;
    private final String password;

    /**
     * @param user     etcd user for the raw call's token, or null when etcd has no authentication
     * @param password its password (never logged), or null
     */
    public EtcdLeaseTable(
            Client client, List<String> endpoints, Optional<SslContext> tls, String user, String password) {
        this.client = client;
        this.endpoints = List.copyOf(endpoints);
        this.tls = tls;
        this.user = user;
        this.password = password;
    }

    /** Every etcd lease id etcd has, asking each endpoint in turn until one answers. */
    public CompletableFuture<List<Long>> list() {
        return list(0, null);
    }

    private CompletableFuture<List<Long>> list(int endpoint, Throwable previous) {
        if (endpoint >= endpoints.size()) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("etcd lease list failed: " + message(previous), previous));
        }
        return CompletableFuture.supplyAsync(
                        () -> listAt(endpoints.get(endpoint)),
                        task -> Thread.ofVirtual().start(task))
                .handle((ids, error) ->
                        error == null ? CompletableFuture.completedFuture(ids) : list(endpoint + 1, error))
                .thenCompose(f -> f);
    }

    private List<Long> listAt(String endpoint) {
        URI uri = URI.create(endpoint.contains("://") ? endpoint : "http://" + endpoint);
        // 60,000 leases list in under 1 MB; allow far more than gRPC's default 4 MiB anyway.
        NettyChannelBuilder builder =
                NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).maxInboundMessageSize(64 * 1024 * 1024);
        tls.ifPresentOrElse(builder::sslContext, builder::usePlaintext);
        ManagedChannel channel = builder.build();
        try {
            CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
            io.grpc.Channel calls = channel;
            if (user != null) {
                String token = AuthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .authenticate(AuthenticateRequest.newBuilder()
                                .setName(user)
                                .setPassword(password)
                                .build())
                        .getToken();
                Metadata headers = new Metadata();
                headers.put(TOKEN, token);
                calls = io.grpc.ClientInterceptors.intercept(
                        channel, MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            return ClientCalls.blockingUnaryCall(calls, LEASE_LEASES, options, new byte[0]);
        } finally {
            channel.shutdownNow();
        }
    }

    /** One etcd lease's time to live, and how many keys it holds when {@code withKeys}. */
    public CompletableFuture<LeaseState> state(long etcdLeaseId, boolean withKeys) {
        LeaseOption option = withKeys ? LeaseOption.builder().withAttachedKeys().build() : LeaseOption.DEFAULT;
        return client.getLeaseClient()
                .timeToLive(etcdLeaseId, option)
                .thenApply(r -> new LeaseState(
                        r.getTTL(), r.getGrantedTTL(), r.getKeys().size()))
                .exceptionally(error -> {
                    throw new CompletionException(
                            new StoreUnavailableException("etcd lease_ttl failed: " + message(error), error));
                });
    }

    private static String message(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause == null ? "no endpoint" : String.valueOf(cause.getMessage());
    }

    /** LeaseLeasesRequest has no fields: its encoding is empty. */
    private static final class EmptyRequest implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return new byte[0];
        }
    }

    /** Reads LeaseLeasesResponse { header = 1; repeated LeaseStatus leases = 2 }, LeaseStatus { int64 ID = 1 }. */
    private static final class LeaseIds implements MethodDescriptor.Marshaller<List<Long>> {
        @Override
        public InputStream stream(List<Long> value) {
            throw new UnsupportedOperationException("a client never sends a LeaseLeasesResponse");
        }

        @Override
        public List<Long> parse(InputStream stream) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                in.setSizeLimit(Integer.MAX_VALUE);
                List<Long> ids = new ArrayList<>();
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (tag == ((2 << 3) | 2)) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
                            if (inner == ((1 << 3) | 0)) {
                                ids.add(in.readInt64());
                            } else {
                                in.skipField(inner);
                            }
                        }
                        in.popLimit(limit);
                    } else {
                        in.skipField(tag);
                    }
                }
                return ids;
            } catch (IOException e) {
                throw new UncheckedIOException("etcd's lease list did not parse", e);
            }
        }
    }
}
