package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.api.v1.FamilyUsage;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.GetUsageResponse;
import io.weft.api.v1.NetworkConfig;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import io.weft.config.ConfigException;
import io.weft.config.IpPrefix;
import io.weft.config.SubnetSpace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC face of the network config and usage counts. */
public final class NetworkGrpcService extends NetworkServiceGrpc.NetworkServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(NetworkGrpcService.class);
    static final int MAX_CONFIG_BYTES = 64 * 1024;
    private static final int LEASES_NAMED = 5;

    private final LeaseIndex index;
    private final LeaseStore store;

    private final BooleanSupplier synced;

    NetworkGrpcService(LeaseIndex index, LeaseStore store, BooleanSupplier synced) {
        this.synced = synced;
        this.index = index;
        this.store = store;
    }

    @Override
    public void getConfig(GetConfigRequest request, StreamObserver<NetworkConfig> response) {
        LeaseGrpcService.respond(response, () -> {
            StoredConfig stored = index.storedConfig()
                    .orElseThrow(() -> Status.FAILED_PRECONDITION
                            .withDescription("no network config is set: run `weftctl config set FILE` first")
                            .asRuntimeException());
            return CompletableFuture.completedFuture(describe(stored, index.config()));
        });
    }

    @Override
    public void setConfig(SetConfigRequest request, StreamObserver<NetworkConfig> response) {
        LeaseGrpcService.respond(response, () -> {
            if (!synced.getAsBoolean()) {
                throw Status.UNAVAILABLE
                        .withDescription("this server has not loaded etcd's state yet; retry")
                        .asRuntimeException();
            }
            String json = request.getJson();
            int bytes = request.getJsonBytes().size();
            if (bytes > MAX_CONFIG_BYTES) {
                throw FieldCheck.invalid(
                        "json", "is " + bytes + " bytes of UTF-8; at most " + MAX_CONFIG_BYTES + " are allowed");
            }
            io.weft.config.NetworkConfig parsed;
            try {
                parsed = io.weft.config.NetworkConfig.parse(json);
            } catch (ConfigException e) {
                throw FieldCheck.invalid("json", e.getMessage());
            }
            List<StoredLease> outside = outside(parsed);
            if (!outside.isEmpty() && !request.getForce()) {
                List<String> named = outside.stream()
                        .limit(LEASES_NAMED)
                        .map(l -> l.subnet().toString())
                        .toList();
                throw Status.FAILED_PRECONDITION
                        .withDescription(outside.size()
                                + " existing lease(s) fall outside the new subnet ranges (" + String.join(", ", named)
                                + (outside.size() > LEASES_NAMED ? ", ..." : "") + "); set force to store it anyway")
                        .asRuntimeException();
            }
            return store.putConfig(json).thenApply(revision -> {
                StoredConfig stored = new StoredConfig(json, revision);
                index.apply(new StoreEvent.ConfigPut(stored), false, Instant.now());
                LOG.info(
                        "network config set at revision {}: {}{}",
                        revision,
                        parsed.ipv4()
                                .map(s -> s.network() + " in /" + s.subnetLength())
                                .orElse(""),
                        outside.isEmpty() ? "" : " (forced; " + outside.size() + " leases now outside it)");
                return describe(stored, Optional.of(parsed));
            });
        });
    }

    @Override
    public void getUsage(GetUsageRequest request, StreamObserver<GetUsageResponse> response) {
        LeaseGrpcService.respond(response, () -> {
            GetUsageResponse.Builder usage = GetUsageResponse.newBuilder().setRevision(index.revision());
            index.usage(false).ifPresent(u -> usage.addFamilies(family("ipv4", u)));
            index.usage(true).ifPresent(u -> usage.addFamilies(family("ipv6", u)));
            return CompletableFuture.completedFuture(usage.build());
        });
    }

    private List<StoredLease> outside(io.weft.config.NetworkConfig config) {
        List<StoredLease> outside = new ArrayList<>();
        for (StoredLease lease : index.all()) {
            if (!fits(lease.subnet().ipv4(), config.ipv4())
                    || !fits(lease.subnet().ipv6(), config.ipv6())) {
                outside.add(lease);
            }
        }
        return outside;
    }

    private static boolean fits(IpPrefix subnet, Optional<SubnetSpace> space) {
        return subnet == null || space.isPresent() && space.get().contains(subnet);
    }

    private static FamilyUsage family(String name, LeaseIndex.Usage usage) {
        return FamilyUsage.newBuilder()
                .setFamily(name)
                .setCapacity(usage.capacity())
                .setLeased(usage.leased())
                .setReserved(usage.reserved())
                .setFree(Math.max(0, usage.free()))
                .build();
    }

    private static NetworkConfig describe(StoredConfig stored, Optional<io.weft.config.NetworkConfig> parsed) {
        NetworkConfig.Builder message =
                NetworkConfig.newBuilder().setJson(stored.json()).setModRevision(stored.modRevision());
        parsed.ifPresent(config -> {
            message.setBackendType(config.backend().type());
            config.ipv4()
                    .ifPresent(space -> message.setNetwork(space.network().toString())
                            .setSubnetLen(space.subnetLength())
                            .setSubnetMin(space.min().toString())
                            .setSubnetMax(space.max().toString()));
            config.ipv6()
                    .ifPresent(space -> message.setIpv6Network(space.network().toString())
                            .setIpv6SubnetLen(space.subnetLength())
                            .setIpv6SubnetMin(space.min().toString())
                            .setIpv6SubnetMax(space.max().toString()));
        });
        return message.build();
    }
}
