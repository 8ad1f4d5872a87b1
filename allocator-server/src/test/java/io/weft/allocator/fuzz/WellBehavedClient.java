package io.weft.allocator.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.GetConfigRequest;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.VxlanBackendData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client that only sends valid requests, between fuzz batches: it proves the server still
 * answers correctly, and puts back the network config when fuzz cases managed to change it.
 */
final class WellBehavedClient {

    static final String NODE = "probe-node";

    private final Channel channel;
    private final String networkJson;
    private String subnet;

    WellBehavedClient(Channel channel, String networkJson) {
        this.channel = channel;
        this.networkJson = networkJson;
    }

    private LeaseServiceGrpc.LeaseServiceBlockingStub leases() {
        return LeaseServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private NetworkServiceGrpc.NetworkServiceBlockingStub network() {
        return NetworkServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** Puts the config back if it differs; answers whether it had to. */
    boolean restoreConfig() {
        try {
            if (network()
                    .getConfig(GetConfigRequest.getDefaultInstance())
                    .getJson()
                    .equals(networkJson)) {
                return false;
            }
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode())
                    .as("GetConfig: %s", e.getStatus())
                    .isEqualTo(Status.Code.FAILED_PRECONDITION);
        }
        network()
                .setConfig(SetConfigRequest.newBuilder()
                        .setJson(networkJson)
                        .setForce(true)
                        .build());
        return true;
    }

    /** Acquire, read back, list and health-check: each must answer correctly. */
    void checkServes() {
        Lease lease = leases().acquireLease(AcquireLeaseRequest.newBuilder()
                        .setNodeName(NODE)
                        .setPublicIp("192.168.99.1")
                        .setBackendType("vxlan")
                        .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("0a:58:0a:f4:99:01"))
                        .build())
                .getLease();
        assertThat(lease.getNodeName()).isEqualTo(NODE);
        assertThat(lease.getSubnet()).startsWith("10.244.");
        subnet = lease.getSubnet();
        assertThat(leases().getLease(
                                GetLeaseRequest.newBuilder().setNodeName(NODE).build())
                        .getSubnet())
                .isEqualTo(subnet);
        assertThat(listedSubnets()).contains(subnet);
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    String subnet() {
        return subnet;
    }

    List<String> listedSubnets() {
        return leases().listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList().stream()
                .map(Lease::getSubnet)
                .toList();
    }

    /** The services reflection lists. */
    List<String> listedServices() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        answer.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName)
                .toList();
    }
}
