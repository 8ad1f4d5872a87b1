package io.weft.client;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.DeleteReservationRequest;
import io.weft.api.v1.DeleteReservationResponse;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ListLeasesResponse;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.ReleaseLeaseResponse;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.RenewLeaseResponse;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A small stateful LeaseService for unit tests: leases in a map with expiry on an injected clock,
 * subnets 10.244.N.0/24 handed out in order, failures injected per method, every request
 * recorded, and watch streams that the test feeds and breaks by hand.
 */
public final class FakeLeaseService extends LeaseServiceGrpc.LeaseServiceImplBase {

    private final Supplier<Instant> clock;
    private final Duration ttl;
    private final Map<String, Lease> leases = new TreeMap<>();
    private final Map<String, Deque<Status>> failures = new HashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile boolean unavailable;
    /** ListLeases answers revision 100, 101, ... so tests can tell pages apart. */
    private long listRevision = 99;

    public final List<AcquireLeaseRequest> acquires = new CopyOnWriteArrayList<>();
    public final List<RenewLeaseRequest> renews = new CopyOnWriteArrayList<>();
    public final List<WatchLeasesRequest> watches = new CopyOnWriteArrayList<>();
    private final List<ServerCallStreamObserver<WatchLeasesResponse>> streams = new CopyOnWriteArrayList<>();

    public FakeLeaseService(Supplier<Instant> clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    // ---- test controls -----------------------------------------------------------------------

    /** Makes every call fail with UNAVAILABLE until set back to false. */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** Makes the next call of {@code method} (e.g. "GetLease") fail with {@code status}. */
    public synchronized void failNext(String method, Status status) {
        failures.computeIfAbsent(method, m -> new ArrayDeque<>()).add(status);
    }

    /** How many times {@code method} was called, failed calls included. */
    public int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    public synchronized void put(Lease lease) {
        leases.put(lease.getSubnet(), lease);
    }

    /** Drops a lease, as if etcd lost it. */
    public synchronized void forget(String subnet) {
        leases.remove(subnet);
    }

    /** Gives {@code subnet} to another node. */
    public synchronized void takeOver(String subnet, String node) {
        leases.put(subnet, leases.get(subnet).toBuilder().setNodeName(node).build());
    }

    public synchronized Lease lease(String subnet) {
        return leases.get(subnet);
    }

    /** The watch streams opened so far, latest last. */
    public List<ServerCallStreamObserver<WatchLeasesResponse>> streams() {
        return streams;
    }

    public ServerCallStreamObserver<WatchLeasesResponse> latestStream() {
        return streams.getLast();
    }

    // ---- LeaseService ------------------------------------------------------------------------

    @Override
    public synchronized void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> response) {
        acquires.add(request);
        if (failed("AcquireLease", response)) {
            return;
        }
        dropExpired();
        Lease mine = leases.values().stream()
                .filter(l -> l.getNodeName().equals(request.getNodeName()))
                .findFirst()
                .orElse(null);
        String source = "existing";
        String subnet;
        if (mine != null) {
            subnet = mine.getSubnet();
        } else if (!request.getPreviousSubnet().isEmpty() && !leases.containsKey(request.getPreviousSubnet())) {
            subnet = request.getPreviousSubnet();
            source = "previous";
        } else {
            subnet = freeSubnet();
            source = "new";
        }
        boolean reserved = mine != null && mine.getReserved();
        Lease.Builder lease = Lease.newBuilder()
                .setSubnet(subnet)
                .setNodeName(request.getNodeName())
                .setPublicIp(request.getPublicIp())
                .setBackendType(request.getBackendType())
                .setReserved(reserved);
        if (!reserved) {
            lease.setExpireTime(timestamp(clock.get().plus(ttl)));
        }
        leases.put(subnet, lease.build());
        reply(
                response,
                AcquireLeaseResponse.newBuilder()
                        .setLease(lease)
                        .setSource(source)
                        .build());
    }

    @Override
    public synchronized void renewLease(RenewLeaseRequest request, StreamObserver<RenewLeaseResponse> response) {
        renews.add(request);
        if (failed("RenewLease", response)) {
            return;
        }
        dropExpired();
        Lease lease = leases.get(request.getSubnet());
        if (lease == null) {
            response.onError(Status.NOT_FOUND
                    .withDescription("no lease on " + request.getSubnet())
                    .asRuntimeException());
            return;
        }
        if (!lease.getNodeName().equals(request.getNodeName())) {
            response.onError(Status.FAILED_PRECONDITION
                    .withDescription(request.getSubnet() + " is held by " + lease.getNodeName())
                    .asRuntimeException());
            return;
        }
        if (!lease.getReserved()) {
            lease = lease.toBuilder()
                    .setExpireTime(timestamp(clock.get().plus(ttl)))
                    .build();
            leases.put(lease.getSubnet(), lease);
        }
        reply(response, RenewLeaseResponse.newBuilder().setLease(lease).build());
    }

    @Override
    public synchronized void releaseLease(ReleaseLeaseRequest request, StreamObserver<ReleaseLeaseResponse> response) {
        if (failed("ReleaseLease", response)) {
            return;
        }
        if (leases.remove(request.getSubnet()) == null) {
            response.onError(Status.NOT_FOUND
                    .withDescription("no lease on " + request.getSubnet())
                    .asRuntimeException());
            return;
        }
        reply(response, ReleaseLeaseResponse.newBuilder().setRevision(42).build());
    }

    @Override
    public synchronized void getLease(GetLeaseRequest request, StreamObserver<Lease> response) {
        if (failed("GetLease", response)) {
            return;
        }
        Lease found = request.hasSubnet()
                ? leases.get(request.getSubnet())
                : leases.values().stream()
                        .filter(l -> l.getNodeName().equals(request.getNodeName()))
                        .findFirst()
                        .orElse(null);
        if (found == null) {
            response.onError(Status.NOT_FOUND.withDescription("no such lease").asRuntimeException());
            return;
        }
        reply(response, found);
    }

    @Override
    public synchronized void listLeases(ListLeasesRequest request, StreamObserver<ListLeasesResponse> response) {
        if (failed("ListLeases", response)) {
            return;
        }
        List<Lease> all = List.copyOf(leases.values());
        int from = request.getPageToken().isEmpty() ? 0 : Integer.parseInt(request.getPageToken());
        int to = request.getPageSize() == 0 ? all.size() : Math.min(all.size(), from + request.getPageSize());
        listRevision++;
        reply(
                response,
                ListLeasesResponse.newBuilder()
                        .addAllLeases(all.subList(from, to))
                        .setRevision(listRevision)
                        .setNextPageToken(to < all.size() ? Integer.toString(to) : "")
                        .build());
    }

    @Override
    public synchronized void createReservation(CreateReservationRequest request, StreamObserver<Lease> response) {
        if (failed("CreateReservation", response)) {
            return;
        }
        Lease lease = Lease.newBuilder()
                .setSubnet(request.getSubnet())
                .setIpv6Subnet(request.getIpv6Subnet())
                .setNodeName(request.getNodeName())
                .setPublicIp(request.getPublicIp())
                .setReserved(true)
                .build();
        leases.put(lease.getSubnet(), lease);
        reply(response, lease);
    }

    @Override
    public synchronized void deleteReservation(
            DeleteReservationRequest request, StreamObserver<DeleteReservationResponse> response) {
        if (failed("DeleteReservation", response)) {
            return;
        }
        if (leases.remove(request.getSubnet()) == null) {
            response.onError(Status.NOT_FOUND
                    .withDescription("no reservation on " + request.getSubnet())
                    .asRuntimeException());
            return;
        }
        reply(response, DeleteReservationResponse.getDefaultInstance());
    }

    @Override
    public void watchLeases(WatchLeasesRequest request, StreamObserver<WatchLeasesResponse> response) {
        watches.add(request);
        if (failed("WatchLeases", response)) {
            return;
        }
        streams.add((ServerCallStreamObserver<WatchLeasesResponse>) response);
    }

    // ---- internals ---------------------------------------------------------------------------

    private synchronized boolean failed(String method, StreamObserver<?> response) {
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        Deque<Status> queued = failures.get(method);
        Status failure = queued != null && !queued.isEmpty() ? queued.poll() : null;
        if (failure == null && unavailable) {
            failure = Status.UNAVAILABLE.withDescription("fake server is down");
        }
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return true;
        }
        return false;
    }

    private void dropExpired() {
        Instant now = clock.get();
        leases.values()
                .removeIf(l -> l.hasExpireTime()
                        && !now.isBefore(Instant.ofEpochSecond(l.getExpireTime().getSeconds())));
    }

    private String freeSubnet() {
        for (int i = 0; ; i++) {
            String subnet = "10.244." + i + ".0/24";
            if (!leases.containsKey(subnet)) {
                return subnet;
            }
        }
    }

    private static <T> void reply(StreamObserver<T> response, T value) {
        response.onNext(value);
        response.onCompleted();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
