package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.weft.etcd.testing.EtcdExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a client that has no generated code sees: the services listed by gRPC server
 * reflection (both the v1 and the older v1alpha protocol, which grpcurl and older tools still
 * speak), the weft.v1 descriptors they serve, a call made from those descriptors alone, and
 * the standard health service.
 */
@Timeout(120)
class ReflectionAndHealthIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String LEASE_SERVICE = "weft.v1.LeaseService";
    private static final String NETWORK_SERVICE = "weft.v1.NetworkService";
    private static final String CHECK_SERVICE = "weft.v1.CheckService";

    private AllocatorFixture fixture;
    private AllocatorServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        fixture = new AllocatorFixture(ETCD.endpoints());
        server = fixture.startServer(Duration.ofMinutes(5));
        fixture.setConfig(server, "{\"Network\":\"10.61.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        channel = fixture.channel(server);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    /** The two reflection protocols: same questions, different generated types. */
    enum Reflection {
        V1 {
            @Override
            List<String> listServices(ManagedChannel channel) throws Exception {
                var response = exchange(
                        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)::serverReflectionInfo,
                        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                                .setListServices("")
                                .build());
                assertThat(response.hasErrorResponse())
                        .as("error: %s", response.getErrorResponse())
                        .isFalse();
                return response.getListServicesResponse().getServiceList().stream()
                        .map(io.grpc.reflection.v1.ServiceResponse::getName)
                        .toList();
            }

            @Override
            List<ByteString> fileContainingSymbol(ManagedChannel channel, String symbol) throws Exception {
                var response = exchange(
                        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)::serverReflectionInfo,
                        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
                                .setFileContainingSymbol(symbol)
                                .build());
                assertThat(response.hasErrorResponse())
                        .as("error: %s", response.getErrorResponse())
                        .isFalse();
                return response.getFileDescriptorResponse().getFileDescriptorProtoList();
            }
        },
        V1ALPHA {
            @Override
            List<String> listServices(ManagedChannel channel) throws Exception {
                var response = exchange(
                        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)::serverReflectionInfo,
                        io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                                .setListServices("")
                                .build());
                assertThat(response.hasErrorResponse())
                        .as("error: %s", response.getErrorResponse())
                        .isFalse();
                return response.getListServicesResponse().getServiceList().stream()
                        .map(io.grpc.reflection.v1alpha.ServiceResponse::getName)
                        .toList();
            }

            @Override
            List<ByteString> fileContainingSymbol(ManagedChannel channel, String symbol) throws Exception {
                var response = exchange(
                        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)::serverReflectionInfo,
                        io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                                .setFileContainingSymbol(symbol)
                                .build());
                assertThat(response.hasErrorResponse())
                        .as("error: %s", response.getErrorResponse())
                        .isFalse();
                return response.getFileDescriptorResponse().getFileDescriptorProtoList();
            }
        };

        abstract List<String> listServices(ManagedChannel channel) throws Exception;

        /** The serialized FileDescriptorProtos of the file defining symbol and of its dependencies. */
        abstract List<ByteString> fileContainingSymbol(ManagedChannel channel, String symbol) throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Reflection.class)
    void reflectionListsTheWeftHealthAndReflectionServices(Reflection reflection) throws Exception {
        assertThat(reflection.listServices(channel))
                .contains(
                        LEASE_SERVICE,
                        NETWORK_SERVICE,
                        CHECK_SERVICE,
                        "grpc.health.v1.Health",
                        "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection")
                .doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(Reflection.class)
    void theFileDefiningLeaseDescribesTheLeaseMessageAndTheLeaseService(Reflection reflection) throws Exception {
        Map<String, FileDescriptorProto> files = parse(reflection.fileContainingSymbol(channel, "weft.v1.Lease"));
        FileDescriptorProto leaseFile = files.values().stream()
                .filter(f -> f.getMessageTypeList().stream()
                        .anyMatch(m -> m.getName().equals("Lease")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no file defines Lease: " + files.keySet()));
        assertThat(leaseFile.getPackage()).isEqualTo("weft.v1");
        assertThat(leaseFile.getDependencyList()).contains("google/protobuf/timestamp.proto");
        assertThat(files).as("dependencies come with the file").containsKey("google/protobuf/timestamp.proto");

        DescriptorProto lease = leaseFile.getMessageTypeList().stream()
                .filter(m -> m.getName().equals("Lease"))
                .findFirst()
                .orElseThrow();
        assertThat(lease.getFieldList())
                .extracting(FieldDescriptorProto::getName)
                .contains("subnet", "ipv6_subnet", "node_name", "public_ip", "backend_type", "expire_time");
        assertThat(lease.getFieldList())
                .filteredOn(f -> f.getName().equals("expire_time"))
                .singleElement()
                .extracting(FieldDescriptorProto::getTypeName)
                .isEqualTo(".google.protobuf.Timestamp");

        ServiceDescriptorProto service = leaseFile.getServiceList().stream()
                .filter(s -> s.getName().equals("LeaseService"))
                .findFirst()
                .orElseThrow();
        assertThat(service.getMethodList())
                .extracting(MethodDescriptorProto::getName)
                .contains("AcquireLease", "RenewLease", "ReleaseLease", "GetLease", "ListLeases", "WatchLeases");
        assertThat(service.getMethodList())
                .filteredOn(m -> m.getName().equals("WatchLeases"))
                .singleElement()
                .satisfies(watch -> {
                    assertThat(watch.getServerStreaming()).isTrue();
                    assertThat(watch.getClientStreaming()).isFalse();
                });
    }

    @Test
    void aClientWithOnlyReflectedDescriptorsCanListLeases() throws Exception {
        fixture.leases(server).acquireLease(AllocatorFixture.vxlanNode("reflected-a", "192.168.61.1"));
        fixture.leases(server).acquireLease(AllocatorFixture.vxlanNode("reflected-b", "192.168.61.2"));

        FileDescriptor file =
                build(parse(Reflection.V1.fileContainingSymbol(channel, LEASE_SERVICE)), "weft.v1.LeaseService");
        ServiceDescriptor service = file.findServiceByName("LeaseService");
        MethodDescriptor list = service.findMethodByName("ListLeases");

        DynamicMessage firstPageRequest = DynamicMessage.newBuilder(list.getInputType())
                .setField(list.getInputType().findFieldByName("page_size"), 1)
                .build();
        DynamicMessage firstPage = call(list, firstPageRequest);
        String token = (String) firstPage.getField(list.getOutputType().findFieldByName("next_page_token"));
        assertThat(token).as("page_size reached the server").isNotEmpty();
        assertThat((Long) firstPage.getField(list.getOutputType().findFieldByName("revision")))
                .isPositive();

        DynamicMessage secondPage = call(
                list,
                DynamicMessage.newBuilder(list.getInputType())
                        .setField(list.getInputType().findFieldByName("page_size"), 1)
                        .setField(list.getInputType().findFieldByName("page_token"), token)
                        .build());
        List<String> nodes = new ArrayList<>();
        for (DynamicMessage page : List.of(firstPage, secondPage)) {
            var leases = list.getOutputType().findFieldByName("leases");
            for (int i = 0; i < page.getRepeatedFieldCount(leases); i++) {
                DynamicMessage lease = (DynamicMessage) page.getRepeatedField(leases, i);
                nodes.add((String) lease.getField(lease.getDescriptorForType().findFieldByName("node_name")));
                assertThat((String) lease.getField(lease.getDescriptorForType().findFieldByName("subnet")))
                        .startsWith("10.61.");
            }
        }
        assertThat(nodes).containsExactlyInAnyOrder("reflected-a", "reflected-b");
    }

    @Test
    void healthReportsServingForTheServerAndEachWeftService() {
        HealthGrpc.HealthBlockingStub health =
                HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        for (String service : List.of("", LEASE_SERVICE, NETWORK_SERVICE, CHECK_SERVICE)) {
            assertThat(health.check(HealthCheckRequest.newBuilder()
                                    .setService(service)
                                    .build())
                            .getStatus())
                    .as("service \"%s\"", service)
                    .isEqualTo(ServingStatus.SERVING);
        }
        assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder()
                        .setService("weft.v1.NoSuchService")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aHealthWatcherLearnsNotServingWhenTheServerStops() throws Exception {
        BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
        HealthGrpc.newStub(channel)
                .watch(HealthCheckRequest.newBuilder().setService(LEASE_SERVICE).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse response) {
                        statuses.add(response.getStatus());
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                });
        assertThat(statuses.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> fixture.stopServer(server));
        assertThat(statuses.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
        channel.shutdownNow();
        stopped.get(30, TimeUnit.SECONDS);
    }

    /** Sends one request on a reflection stream and answers the first response. */
    private static <Q, R> R exchange(Function<StreamObserver<R>, StreamObserver<Q>> open, Q request) throws Exception {
        CompletableFuture<R> first = new CompletableFuture<>();
        StreamObserver<Q> requests = open.apply(new StreamObserver<>() {
            @Override
            public void onNext(R response) {
                first.complete(response);
            }

            @Override
            public void onError(Throwable t) {
                first.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                first.completeExceptionally(new AssertionError("reflection stream ended without a response"));
            }
        });
        requests.onNext(request);
        try {
            return first.get(30, TimeUnit.SECONDS);
        } finally {
            requests.onCompleted();
        }
    }

    private static Map<String, FileDescriptorProto> parse(List<ByteString> serialized) throws IOException {
        Map<String, FileDescriptorProto> files = new HashMap<>();
        for (ByteString bytes : serialized) {
            FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
            files.put(file.getName(), file);
        }
        return files;
    }

    /** Links the file that defines symbol to its dependencies, all taken from the reflection answer. */
    private static FileDescriptor build(Map<String, FileDescriptorProto> files, String symbol)
            throws DescriptorValidationException {
        String packageName = symbol.substring(0, symbol.lastIndexOf('.'));
        String simpleName = symbol.substring(symbol.lastIndexOf('.') + 1);
        FileDescriptorProto defining = files.values().stream()
                .filter(f -> f.getPackage().equals(packageName))
                .filter(f ->
                        f.getServiceList().stream().anyMatch(s -> s.getName().equals(simpleName))
                                || f.getMessageTypeList().stream()
                                        .anyMatch(m -> m.getName().equals(simpleName)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(symbol + " is in none of " + files.keySet()));
        return link(defining, files, new HashMap<>());
    }

    private static FileDescriptor link(
            FileDescriptorProto file, Map<String, FileDescriptorProto> files, Map<String, FileDescriptor> built)
            throws DescriptorValidationException {
        FileDescriptor done = built.get(file.getName());
        if (done != null) {
            return done;
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : file.getDependencyList()) {
            FileDescriptorProto proto = files.get(dependency);
            assertThat(proto).as("reflection sent dependency %s", dependency).isNotNull();
            dependencies.add(link(proto, files, built));
        }
        FileDescriptor linked = FileDescriptor.buildFrom(file, dependencies.toArray(FileDescriptor[]::new));
        built.put(file.getName(), linked);
        return linked;
    }

    /** A unary call through a plain ClientCall whose marshallers know only the reflected descriptors. */
    private DynamicMessage call(MethodDescriptor method, DynamicMessage request) throws Exception {
        io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
                io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                        .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(
                                method.getService().getFullName(), method.getName()))
                        .setRequestMarshaller(new DynamicMarshaller(method.getInputType()))
                        .setResponseMarshaller(new DynamicMarshaller(method.getOutputType()))
                        .build();
        return ClientCalls.futureUnaryCall(
                        channel.newCall(grpcMethod, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
                        request)
                .get(30, TimeUnit.SECONDS);
    }

    private record DynamicMarshaller(com.google.protobuf.Descriptors.Descriptor type)
            implements io.grpc.MethodDescriptor.Marshaller<DynamicMessage> {

        @Override
        public InputStream stream(DynamicMessage value) {
            return value.toByteString().newInput();
        }

        @Override
        public DynamicMessage parse(InputStream stream) {
            try {
                return DynamicMessage.parseFrom(type, stream);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
