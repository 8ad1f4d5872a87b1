package io.weft.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.CheckRequest;
import io.weft.api.v1.CheckResponse;
import io.weft.api.v1.CheckServiceGrpc;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.DeleteReservationRequest;
import io.weft.api.v1.DeleteReservationResponse;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.GetUsageResponse;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ListLeasesResponse;
import io.weft.api.v1.NetworkConfig;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.ReleaseLeaseResponse;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.RenewLeaseResponse;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A client of the weft allocator's {@code LeaseService} and {@code NetworkService}.
 *
 * <p>Every unary call gets its own deadline ({@link Builder#deadline}, 10 s by default). A call
 * that finds its server {@code UNAVAILABLE} (or, with several addresses, runs past its deadline)
 * moves the client to the next address; reads and the idempotent writes (acquire, renew, release,
 * set config) are then retried there with back-off, and also after {@code ABORTED} (a write that
 * raced another), while reservation changes are not and fail with the status. Failures are
 * {@link io.grpc.StatusRuntimeException}s carrying the server's status, thrown by the blocking
 * methods and completing the futures of the {@code ...Async} ones.
 *
 * <p>Thread-safe. {@link #close()} shuts down the channels the client opened, not a channel
 * handed to {@link #forChannel}.
 *
 * <p>Over 300 lines on purpose: it is one blocking and one {@code ...Async} method per RPC of both
 * services (each a few lines over {@link FailoverCaller}) plus its builder; splitting it by service
 * would make every caller hold, configure and close two clients over the same channels.
 */
public final class WeftClient implements AutoCloseable {

    /** The default deadline of every unary call. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    /** Leases per ListLeases page: a few hundred KiB, far below gRPC's 4 MiB message limit. */
    static final int LIST_PAGE_SIZE = 1000;

    private final ServerEndpoints endpoints;
    private final Duration deadline;
    private final ScheduledExecutorService retryExecutor;
    private final FailoverCaller caller;

    private WeftClient(ServerEndpoints endpoints, Duration deadline, RetryPolicy retryPolicy) {
        this.endpoints = endpoints;
        this.deadline = deadline;
        this.retryExecutor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("weft-client-retry").daemon(true).factory());
        this.caller = new FailoverCaller(endpoints, retryPolicy, retryExecutor);
    }

    /** A client of the servers at {@code addresses}, plaintext, with default settings. */
    public static WeftClient connect(List<ServerAddress> addresses) {
        return builder().addresses(addresses).build();
    }

    /** A client over a channel the caller opened and will shut down, with default settings. */
    public static WeftClient forChannel(ManagedChannel channel) {
        return builder().channel(channel).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- LeaseService ------------------------------------------------------------------------

    /** Gets the node a lease (or its current one, updated). Idempotent per node; retried. */
    public AcquireLeaseResponse acquire(AcquireLeaseRequest request) {
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> leases(ch).acquireLease(request));
    }

    public CompletableFuture<AcquireLeaseResponse> acquireAsync(AcquireLeaseRequest request) {
        return caller.async(
                Idempotency.IDEMPOTENT, (ch, observer) -> leasesAsync(ch).acquireLease(request, observer));
    }

    /** Extends {@code nodeName}'s lease on {@code subnet} by its TTL and returns it. Retried. */
    public Lease renew(String subnet, String nodeName) {
        RenewLeaseRequest request = renewRequest(subnet, nodeName);
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> leases(ch).renewLease(request))
                .getLease();
    }

    /**
     * Renews as the host that acquired the lease with {@code acquiredWith}: besides the node name
     * it sends the host's public IPs and VTEP MAC, so the renewal fails with
     * {@code FAILED_PRECONDITION} once another host has taken the lease over. Retried.
     */
    public Lease renew(String subnet, AcquireLeaseRequest acquiredWith) {
        RenewLeaseRequest request = renewRequest(subnet, acquiredWith.getNodeName()).toBuilder()
                .setPublicIp(acquiredWith.getPublicIp())
                .setPublicIpv6(acquiredWith.getPublicIpv6())
                .setVtepMac(
                        acquiredWith.hasVxlan()
                                ? acquiredWith.getVxlan().getVtepMac()
                                : acquiredWith.getVxlanV6().getVtepMac())
                .build();
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> leases(ch).renewLease(request))
                .getLease();
    }

    public CompletableFuture<Lease> renewAsync(String subnet, String nodeName) {
        RenewLeaseRequest request = renewRequest(subnet, nodeName);
        return caller.<RenewLeaseResponse>async(
                        Idempotency.IDEMPOTENT,
                        (ch, observer) -> leasesAsync(ch).renewLease(request, observer))
                .thenApply(RenewLeaseResponse::getLease);
    }

    /**
     * Gives {@code subnet} back; {@code nodeName} must be the holder, or empty to release whoever
     * holds it. Returns the revision of the deletion, 0 when a reservation was kept. Retried.
     */
    public long release(String subnet, String nodeName) {
        ReleaseLeaseRequest request = releaseRequest(subnet, nodeName);
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> leases(ch).releaseLease(request))
                .getRevision();
    }

    public CompletableFuture<Long> releaseAsync(String subnet, String nodeName) {
        ReleaseLeaseRequest request = releaseRequest(subnet, nodeName);
        return caller.<ReleaseLeaseResponse>async(
                        Idempotency.IDEMPOTENT,
                        (ch, observer) -> leasesAsync(ch).releaseLease(request, observer))
                .thenApply(ReleaseLeaseResponse::getRevision);
    }

    /** The lease on {@code subnet}; {@code NOT_FOUND} when there is none. */
    public Lease getLeaseBySubnet(String subnet) {
        return getLease(GetLeaseRequest.newBuilder().setSubnet(subnet).build());
    }

    public CompletableFuture<Lease> getLeaseBySubnetAsync(String subnet) {
        return getLeaseAsync(GetLeaseRequest.newBuilder().setSubnet(subnet).build());
    }

    /** The lease held by {@code nodeName}; {@code NOT_FOUND} when there is none. */
    public Lease getLeaseByNode(String nodeName) {
        return getLease(GetLeaseRequest.newBuilder().setNodeName(nodeName).build());
    }

    public CompletableFuture<Lease> getLeaseByNodeAsync(String nodeName) {
        return getLeaseAsync(GetLeaseRequest.newBuilder().setNodeName(nodeName).build());
    }

    /**
     * Every lease and reservation, ordered by subnet, read page by page so that no response
     * nears gRPC's message size limit. The revision is the first page's: leases that change
     * between pages may be missed or seen twice, so watch from that revision for an exact view
     * (or use {@link LeaseWatch}). Each page is retried on its own.
     */
    public ListLeasesResponse listLeases() {
        ListLeasesResponse first = listLeasesPage(LIST_PAGE_SIZE, "");
        ListLeasesResponse.Builder all = first.toBuilder().clearNextPageToken();
        String token = first.getNextPageToken();
        while (!token.isEmpty()) {
            ListLeasesResponse page = listLeasesPage(LIST_PAGE_SIZE, token);
            all.addAllLeases(page.getLeasesList());
            token = page.getNextPageToken();
        }
        return all.build();
    }

    public CompletableFuture<ListLeasesResponse> listLeasesAsync() {
        return listLeasesPageAsync(LIST_PAGE_SIZE, "")
                .thenCompose(first -> remainingPages(first.toBuilder().clearNextPageToken(), first.getNextPageToken()));
    }

    /** One page of at most {@code pageSize} leases (0: all) after {@code pageToken} ("" first). */
    public ListLeasesResponse listLeasesPage(int pageSize, String pageToken) {
        ListLeasesRequest request = pageRequest(pageSize, pageToken);
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> leases(ch).listLeases(request));
    }

    public CompletableFuture<ListLeasesResponse> listLeasesPageAsync(int pageSize, String pageToken) {
        ListLeasesRequest request = pageRequest(pageSize, pageToken);
        return caller.async(
                Idempotency.IDEMPOTENT, (ch, observer) -> leasesAsync(ch).listLeases(request, observer));
    }

    /** Reserves a subnet for a node. Not retried: a repeat could meet its own reservation. */
    public Lease createReservation(CreateReservationRequest request) {
        return caller.blocking(Idempotency.NOT_IDEMPOTENT, ch -> leases(ch).createReservation(request));
    }

    public CompletableFuture<Lease> createReservationAsync(CreateReservationRequest request) {
        return caller.async(
                Idempotency.NOT_IDEMPOTENT, (ch, observer) -> leasesAsync(ch).createReservation(request, observer));
    }

    /** Removes a reservation. Not retried: a repeat would answer {@code NOT_FOUND}. */
    public DeleteReservationResponse deleteReservation(String subnet) {
        DeleteReservationRequest request =
                DeleteReservationRequest.newBuilder().setSubnet(subnet).build();
        return caller.blocking(Idempotency.NOT_IDEMPOTENT, ch -> leases(ch).deleteReservation(request));
    }

    public CompletableFuture<DeleteReservationResponse> deleteReservationAsync(String subnet) {
        DeleteReservationRequest request =
                DeleteReservationRequest.newBuilder().setSubnet(subnet).build();
        return caller.async(
                Idempotency.NOT_IDEMPOTENT, (ch, observer) -> leasesAsync(ch).deleteReservation(request, observer));
    }

    /**
     * Opens a lease watch on the current server, starting after {@code startRevision} (0: with a
     * snapshot). The stream has no deadline. When it fails with {@code UNAVAILABLE} the client
     * moves to the next address, so that a new watch goes there; resuming is the caller's job
     * ({@link LeaseWatch} does it). Cancel the returned handle to stop the stream.
     */
    public Cancellable watchLeases(long startRevision, StreamObserver<WatchLeasesResponse> observer) {
        return openWatch(startRevision, observer)::cancel;
    }

    /** As {@link #watchLeases}, keeping the stream's server so that a dead stream can be left for another. */
    WatchStreamObserver openWatch(long startRevision, StreamObserver<WatchLeasesResponse> observer) {
        Objects.requireNonNull(observer, "observer");
        ServerEndpoints.Endpoint endpoint = endpoints.current();
        WatchStreamObserver wrapped = new WatchStreamObserver(endpoints, endpoint, observer);
        LeaseServiceGrpc.newStub(endpoint.channel())
                .watchLeases(
                        WatchLeasesRequest.newBuilder()
                                .setStartRevision(startRevision)
                                .build(),
                        wrapped);
        return wrapped;
    }

    // ---- NetworkService ----------------------------------------------------------------------

    /** The stored network config; {@code FAILED_PRECONDITION} when none is set. */
    public NetworkConfig getConfig() {
        GetConfigRequest request = GetConfigRequest.getDefaultInstance();
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> network(ch).getConfig(request));
    }

    public CompletableFuture<NetworkConfig> getConfigAsync() {
        GetConfigRequest request = GetConfigRequest.getDefaultInstance();
        return caller.async(
                Idempotency.IDEMPOTENT, (ch, observer) -> networkAsync(ch).getConfig(request, observer));
    }

    /** Validates and stores flannel's net-conf JSON. Storing the same config twice is harmless. */
    public NetworkConfig setConfig(String json, boolean force) {
        SetConfigRequest request =
                SetConfigRequest.newBuilder().setJson(json).setForce(force).build();
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> network(ch).setConfig(request));
    }

    public CompletableFuture<NetworkConfig> setConfigAsync(String json, boolean force) {
        SetConfigRequest request =
                SetConfigRequest.newBuilder().setJson(json).setForce(force).build();
        return caller.async(
                Idempotency.IDEMPOTENT, (ch, observer) -> networkAsync(ch).setConfig(request, observer));
    }

    /** Subnet counts per address family. */
    public GetUsageResponse getUsage() {
        GetUsageRequest request = GetUsageRequest.getDefaultInstance();
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> network(ch).getUsage(request));
    }

    public CompletableFuture<GetUsageResponse> getUsageAsync() {
        GetUsageRequest request = GetUsageRequest.getDefaultInstance();
        return caller.async(
                Idempotency.IDEMPOTENT, (ch, observer) -> networkAsync(ch).getUsage(request, observer));
    }

    /**
     * The server's consistency check of etcd (read-only). Not retried on another server past the
     * first answer: every server reads the same etcd.
     */
    public CheckResponse check() {
        CheckRequest request = CheckRequest.getDefaultInstance();
        return caller.blocking(
                Idempotency.IDEMPOTENT,
                ch -> CheckServiceGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
                        .check(request));
    }

    @Override
    public void close() {
        retryExecutor.shutdownNow();
        endpoints.close();
    }

    // ---- internals ---------------------------------------------------------------------------

    private Lease getLease(GetLeaseRequest request) {
        return caller.blocking(Idempotency.IDEMPOTENT, ch -> leases(ch).getLease(request));
    }

    private CompletableFuture<Lease> getLeaseAsync(GetLeaseRequest request) {
        return caller.async(
                Idempotency.IDEMPOTENT, (ch, observer) -> leasesAsync(ch).getLease(request, observer));
    }

    private CompletableFuture<ListLeasesResponse> remainingPages(ListLeasesResponse.Builder all, String token) {
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(all.build());
        }
        return listLeasesPageAsync(LIST_PAGE_SIZE, token)
                .thenCompose(page -> remainingPages(all.addAllLeases(page.getLeasesList()), page.getNextPageToken()));
    }

    private static ListLeasesRequest pageRequest(int pageSize, String pageToken) {
        if (pageSize < 0) {
            throw new IllegalArgumentException("pageSize must be >= 0, got " + pageSize);
        }
        return ListLeasesRequest.newBuilder()
                .setPageSize(pageSize)
                .setPageToken(pageToken)
                .build();
    }

    private static RenewLeaseRequest renewRequest(String subnet, String nodeName) {
        return RenewLeaseRequest.newBuilder()
                .setSubnet(subnet)
                .setNodeName(nodeName)
                .build();
    }

    private static ReleaseLeaseRequest releaseRequest(String subnet, String nodeName) {
        return ReleaseLeaseRequest.newBuilder()
                .setSubnet(subnet)
                .setNodeName(nodeName == null ? "" : nodeName)
                .build();
    }

    private LeaseServiceGrpc.LeaseServiceBlockingStub leases(Channel channel) {
        return LeaseServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private LeaseServiceGrpc.LeaseServiceStub leasesAsync(Channel channel) {
        return LeaseServiceGrpc.newStub(channel).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private NetworkServiceGrpc.NetworkServiceBlockingStub network(Channel channel) {
        return NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private NetworkServiceGrpc.NetworkServiceStub networkAsync(Channel channel) {
        return NetworkServiceGrpc.newStub(channel).withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Settings of a {@link WeftClient}; either addresses or a channel must be given. */
    public static final class Builder {

        private List<ServerAddress> addresses = List.of();
        private ManagedChannel channel;
        private ChannelFactory channelFactory = ChannelFactory.plaintext();
        private Duration deadline = DEFAULT_DEADLINE;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();

        private Builder() {}

        /** The servers to use, in order of preference. */
        public Builder addresses(List<ServerAddress> addresses) {
            this.addresses = List.copyOf(addresses);
            return this;
        }

        /** A ready channel instead of addresses; the caller keeps ownership of it. */
        public Builder channel(ManagedChannel channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        /** How channels to {@link #addresses} are opened; plaintext by default. */
        public Builder channelFactory(ChannelFactory channelFactory) {
            this.channelFactory = Objects.requireNonNull(channelFactory, "channelFactory");
            return this;
        }

        /**
         * TLS to the {@link #addresses} (a shortcut for {@link ChannelFactory#tls}); reads the
         * files now.
         *
         * @throws IllegalArgumentException naming the file when one is missing or not PEM
         */
        public Builder tls(ClientTls tls) {
            this.channelFactory = ChannelFactory.tls(tls);
            return this;
        }

        /** The deadline of each unary call attempt. */
        public Builder deadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("deadline must be positive, got " + deadline);
            }
            this.deadline = deadline;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        public WeftClient build() {
            if (channel != null && !addresses.isEmpty()) {
                throw new IllegalStateException("give either addresses or a channel, not both");
            }
            ServerEndpoints endpoints = channel != null
                    ? ServerEndpoints.ofChannel(channel)
                    : ServerEndpoints.of(addresses, channelFactory);
            return new WeftClient(endpoints, deadline, retryPolicy);
        }
    }
}
