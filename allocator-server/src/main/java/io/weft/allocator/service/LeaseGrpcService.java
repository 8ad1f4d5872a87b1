package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.weft.allocator.alloc.HostAddresses;
import io.weft.allocator.store.StoredLease;
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
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The gRPC face of the lease service: translates messages to the domain and back. Every field
 * is checked first (INVALID_ARGUMENT naming the field, or FAILED_PRECONDITION when the request
 * does not fit the network config), then the operations (writes) or the queries (reads) answer.
 * A request that fails a check changes nothing in etcd.
 */
public final class LeaseGrpcService extends LeaseServiceGrpc.LeaseServiceImplBase {

    private final LeaseQueries queries;
    private final LeaseOperations leases;
    private final ReservationOperations reservations;
    private final LeaseMessages messages;
    private final WatchStreams watches;

    LeaseGrpcService(
            LeaseQueries queries,
            LeaseOperations leases,
            ReservationOperations reservations,
            LeaseMessages messages,
            WatchStreams watches) {
        this.queries = queries;
        this.leases = leases;
        this.reservations = reservations;
        this.messages = messages;
        this.watches = watches;
    }

    @Override
    public void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> response) {
        respond(response, () -> {
            AcquireRequests.Read asked = AcquireRequests.read(request, queries.requireConfig());
            return leases.acquire(asked.intent(), asked.value(), asked.takeover())
                    .thenApply(acquired -> AcquireLeaseResponse.newBuilder()
                            .setLease(LeaseMessages.toMessage(acquired.lease(), queries.revision(), acquired.expiry()))
                            .setSource(acquired.source())
                            .build());
        });
    }

    @Override
    public void renewLease(RenewLeaseRequest request, StreamObserver<RenewLeaseResponse> response) {
        respond(response, () -> {
            IpPrefix subnet = FieldCheck.subnet("subnet", request.getSubnet(), null);
            String node = FieldCheck.nodeName("node_name", request.getNodeName());
            String publicIp = request.getPublicIp().isEmpty()
                    ? ""
                    : FieldCheck.address("public_ip", request.getPublicIp(), IpFamily.IPV4)
                            .toString();
            String publicIpv6 = request.getPublicIpv6().isEmpty()
                    ? ""
                    : FieldCheck.address("public_ipv6", request.getPublicIpv6(), IpFamily.IPV6)
                            .toString();
            String mac = request.getVtepMac().isEmpty() ? "" : FieldCheck.mac("vtep_mac", request.getVtepMac());
            HostAddresses host = new HostAddresses(publicIp, publicIpv6, mac);
            return leases.renew(subnet, node, host)
                    .thenApply(renewed -> RenewLeaseResponse.newBuilder()
                            .setLease(LeaseMessages.toMessage(renewed.lease(), queries.revision(), renewed.expiry()))
                            .build());
        });
    }

    @Override
    public void releaseLease(ReleaseLeaseRequest request, StreamObserver<ReleaseLeaseResponse> response) {
        respond(response, () -> {
            IpPrefix subnet = FieldCheck.subnet("subnet", request.getSubnet(), null);
            String node =
                    request.getNodeName().isEmpty() ? "" : FieldCheck.nodeName("node_name", request.getNodeName());
            return leases.release(subnet, node)
                    .thenApply(revision -> ReleaseLeaseResponse.newBuilder()
                            .setRevision(revision)
                            .build());
        });
    }

    @Override
    public void getLease(GetLeaseRequest request, StreamObserver<Lease> response) {
        respond(response, () -> {
            StoredLease lease = switch (request.getKeyCase()) {
                case SUBNET ->
                    queries.bySubnet(FieldCheck.subnet("subnet", request.getSubnet(), null))
                            .orElseThrow(() -> notFound("no lease holds " + request.getSubnet()));
                case NODE_NAME ->
                    queries.byNode(FieldCheck.nodeName("node_name", request.getNodeName()))
                            .orElseThrow(() -> notFound("node \"" + request.getNodeName() + "\" holds no lease"));
                case KEY_NOT_SET -> throw FieldCheck.invalid("key", "set either subnet or node_name");
            };
            long revision = queries.revision();
            return queries.withExpiry(lease).thenApply(known -> messages.toMessage(known, revision));
        });
    }

    @Override
    public void listLeases(ListLeasesRequest request, StreamObserver<ListLeasesResponse> response) {
        respond(response, () -> {
            long revision = queries.revision();
            List<StoredLease> all = queries.all();
            int from = ListPage.start(request.getPageToken(), all.size());
            long pageSize = Integer.toUnsignedLong(request.getPageSize());
            int to = pageSize == 0 ? all.size() : (int) Math.min(all.size(), from + pageSize);
            ListLeasesResponse.Builder list = ListLeasesResponse.newBuilder().setRevision(revision);
            for (StoredLease lease : all.subList(from, to)) {
                list.addLeases(messages.toMessage(lease, revision));
            }
            if (to < all.size()) {
                list.setNextPageToken(ListPage.token(to));
            }
            return CompletableFuture.completedFuture(list.build());
        });
    }

    /**
     * WatchLeases. Bound by {@link WatchLeasesBinding} in place of the generated watchLeases
     * (which this class leaves unimplemented), so that each event is encoded once.
     */
    void watchEncoded(WatchLeasesRequest request, StreamObserver<WatchMessage> response) {
        watches.open(request, response);
    }

    @Override
    public void createReservation(CreateReservationRequest request, StreamObserver<Lease> response) {
        respond(response, () -> {
            String node = FieldCheck.nodeName("node_name", request.getNodeName());
            NetworkConfig config = queries.requireConfig();
            IpPrefix v4 = null;
            IpPrefix v6 = null;
            if (config.enableIPv4()) {
                v4 = inSpace("subnet", FieldCheck.subnet("subnet", request.getSubnet(), IpFamily.IPV4), config);
            }
            if (config.enableIPv6()) {
                String field = config.enableIPv4() ? "ipv6_subnet" : "subnet";
                String text = config.enableIPv4() ? request.getIpv6Subnet() : request.getSubnet();
                // On dual-stack networks the IPv6 half is optional: a free one is chosen.
                if (!text.isEmpty() || !config.enableIPv4()) {
                    v6 = inSpace(field, FieldCheck.subnet(field, text, IpFamily.IPV6), config);
                }
            } else if (!request.getIpv6Subnet().isEmpty()) {
                throw FieldCheck.invalid("ipv6_subnet", "IPv6 is not enabled in the network config; leave it empty");
            }
            String publicIp = request.getPublicIp().isEmpty()
                    ? ""
                    : FieldCheck.address("public_ip", request.getPublicIp(), IpFamily.IPV4)
                            .toString();
            return reservations
                    .reserve(v4, v6, config.enableIPv4() && config.enableIPv6(), node, publicIp)
                    .thenApply(lease -> messages.toMessage(lease, queries.revision()));
        });
    }

    @Override
    public void deleteReservation(
            DeleteReservationRequest request, StreamObserver<DeleteReservationResponse> response) {
        respond(response, () -> {
            IpPrefix subnet = FieldCheck.subnet("subnet", request.getSubnet(), null);
            return reservations
                    .unreserve(subnet)
                    .thenApply(converted -> DeleteReservationResponse.newBuilder()
                            .setConvertedToLease(converted)
                            .build());
        });
    }

    private static IpPrefix inSpace(String field, IpPrefix subnet, NetworkConfig config) {
        var space = subnet.family() == IpFamily.IPV4 ? config.ipv4() : config.ipv6();
        if (space.isEmpty() || space.get().indexOf(subnet) < 0) {
            String range = space.map(s -> "a /" + s.subnetLength() + " between " + s.min() + " and " + s.max())
                    .orElse("none: that family is disabled");
            throw FieldCheck.invalid(field, subnet + " is not a subnet of the network; allowed: " + range);
        }
        return subnet;
    }

    private static StatusRuntimeException notFound(String description) {
        return Status.NOT_FOUND.withDescription(description).asRuntimeException();
    }

    /**
     * Runs a call that checks its fields synchronously and answers asynchronously, as work of a
     * {@link GuardedCall}: whatever throws, in the checks or in the answer's callback, ends the
     * call with a status.
     */
    static <T> void respond(StreamObserver<T> response, java.util.function.Supplier<CompletableFuture<T>> call) {
        GuardedCall<T> guarded = GuardedCall.open(response, "unary call", Runnable::run);
        guarded.run(() -> guarded.after(call.get(), (value, error) -> {
            if (error != null) {
                throw LeaseOperations.toStatus(LeaseOperations.unwrap(error));
            }
            guarded.send(value);
            guarded.complete();
        }));
    }
}
