package io.weft.client.cli;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.FamilyUsage;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.GetUsageResponse;
import io.weft.api.v1.NetworkConfig;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A NetworkService that stores whatever it is given, or fails with a status the test chose. */
final class FakeNetworkService extends NetworkServiceGrpc.NetworkServiceImplBase {

    final List<SetConfigRequest> setConfigs = new CopyOnWriteArrayList<>();
    private volatile NetworkConfig config;
    private volatile Status failure;

    /** Makes every call fail with {@code status}. */
    void failWith(Status status) {
        this.failure = status;
    }

    @Override
    public void getConfig(GetConfigRequest request, StreamObserver<NetworkConfig> response) {
        if (failure != null) {
            response.onError(failure.asRuntimeException());
        } else if (config == null) {
            response.onError(Status.FAILED_PRECONDITION
                    .withDescription("no network config is set")
                    .asRuntimeException());
        } else {
            response.onNext(config);
            response.onCompleted();
        }
    }

    @Override
    public void setConfig(SetConfigRequest request, StreamObserver<NetworkConfig> response) {
        setConfigs.add(request);
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return;
        }
        config = NetworkConfig.newBuilder()
                .setJson(request.getJson())
                .setModRevision(7)
                .setNetwork("10.244.0.0/16")
                .setSubnetLen(24)
                .setBackendType("vxlan")
                .build();
        response.onNext(config);
        response.onCompleted();
    }

    @Override
    public void getUsage(GetUsageRequest request, StreamObserver<GetUsageResponse> response) {
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return;
        }
        response.onNext(GetUsageResponse.newBuilder()
                .addFamilies(FamilyUsage.newBuilder()
                        .setFamily("ipv4")
                        .setCapacity(256)
                        .setLeased(3)
                        .setReserved(1)
                        .setFree(252))
                .setRevision(9)
                .build());
        response.onCompleted();
    }
}
