package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.weft.allocator.security.AccessPolicy;
import io.weft.allocator.security.ServerTls;
import io.weft.allocator.service.WatchSettings;
import io.weft.api.v1.CheckRequest;
import io.weft.api.v1.CheckServiceGrpc;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.DeleteReservationRequest;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.ReleaseLeaseResponse;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.etcd.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC port under mutual TLS, over real sockets and a real etcd: who gets in, and what
 * each identity may do. Certificates are made per test: a CA, the server, nodes node-a and
 * node-b, and the admin "ops".
 */
@Timeout(120)
class MutualTlsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String CONFIG = "{\"Network\":\"10.62.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

    @TempDir
    Path temp;

    private TestCertificates ca;
    private AllocatorFixture fixture;
    private AllocatorServer server;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.authority(temp.resolve("pki"), "weft-test");
        TestCertificates.Issued serverCert = ca.server("allocator");
        fixture = new AllocatorFixture(ETCD.endpoints());
        server = start(serverCert, WatchSettings.DEFAULTS);
    }

    private AllocatorServer start(TestCertificates.Issued serverCert, WatchSettings watchSettings) throws Exception {
        return AllocatorServer.builder()
                .etcdEndpoints(fixture.endpoints)
                .etcdPrefix(fixture.prefix)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .httpListen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofMinutes(5))
                .reuseQuarantine(Duration.ZERO)
                .tls(new ServerTls(serverCert.certificate(), serverCert.key(), ca.caFile()))
                .accessPolicy(new AccessPolicy(Set.of("ops")))
                .watchSettings(watchSettings)
                .start();
    }

    @Test
    void anIdentityPastItsWatchLimitIsRefusedNamingTheFlagWhileOthersAreServed() throws Exception {
        server.close();
        server = start(ca.server("allocator"), new WatchSettings(Duration.ofSeconds(10), 10, 1, 1 << 20));
        WatchLeasesRequest fromSnapshot = WatchLeasesRequest.getDefaultInstance();
        Iterator<WatchLeasesResponse> first = leases("node-a").watchLeases(fromSnapshot);
        assertThat(first.next().getType()).isEqualTo(WatchLeasesResponse.Type.SNAPSHOT);

        assertThatThrownBy(() -> leases("node-a").watchLeases(fromSnapshot).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("identity node-a has 1 watch streams open, "
                                    + "the limit (--max-watchers-per-identity) is 1; close one first");
                });
        assertThat(leases("node-b").watchLeases(fromSnapshot).next().getType())
                .isEqualTo(WatchLeasesResponse.Type.SNAPSHOT);
    }

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        if (server != null) {
            server.close();
        }
        fixture.close();
        http.close();
    }

    @Test
    void aClientWithoutACertificateIsRefusedAtTheHandshake() {
        ManagedChannel anonymous = channel(ssl -> ssl.trustManager(ca.caFile().toFile()));
        assertUnavailable(() -> NetworkServiceGrpc.newBlockingStub(anonymous)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getUsage(GetUsageRequest.getDefaultInstance()));
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        TestCertificates.Issued stranger =
                TestCertificates.authority(temp.resolve("other"), "other").client("node-a");
        ManagedChannel channel = channel(ssl -> ssl.trustManager(ca.caFile().toFile())
                .keyManager(stranger.certificate().toFile(), stranger.key().toFile()));
        assertUnavailable(() -> NetworkServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getUsage(GetUsageRequest.getDefaultInstance()));
    }

    @Test
    void aNodeActsOnItsOwnLeaseOnlyAndTheAdminOnAny() throws Exception {
        network("ops").setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build());
        Lease a = leases("node-a")
                .acquireLease(AllocatorFixture.vxlanNode("node-a", "192.0.2.1"))
                .getLease();
        Lease b = leases("node-b")
                .acquireLease(AllocatorFixture.vxlanNode("node-b", "192.0.2.2"))
                .getLease();
        LeaseServiceGrpc.LeaseServiceBlockingStub nodeA = leases("node-a");
        long revision = fixture.etcdRevision();
        Map<String, String> before = fixture.etcdContents();

        assertDenied(
                () -> nodeA.acquireLease(AllocatorFixture.vxlanNode("node-b", "192.0.2.2")),
                "identity node-a may not acquire the lease of node node-b");
        assertDenied(
                () -> nodeA.renewLease(renew(b.getSubnet(), "node-b")),
                "identity node-a may not renew the lease of node node-b on " + b.getSubnet());
        assertDenied(
                () -> nodeA.renewLease(renew(b.getSubnet(), "node-a")),
                "identity node-a may not renew the lease of node node-b on " + b.getSubnet());
        assertDenied(
                () -> nodeA.releaseLease(release(b.getSubnet(), "node-b")),
                "identity node-a may not release the lease of node node-b on " + b.getSubnet());
        assertDenied(
                () -> nodeA.releaseLease(release(b.getSubnet(), "node-a")),
                "identity node-a may not release the lease of node node-b on " + b.getSubnet());
        assertDenied(
                () -> nodeA.releaseLease(release(b.getSubnet(), "")),
                "identity node-a may not release the lease on " + b.getSubnet() + " without naming its node");
        assertThat(fixture.etcdRevision()).isEqualTo(revision);
        assertThat(fixture.etcdContents()).isEqualTo(before);

        assertThat(nodeA.renewLease(renew(a.getSubnet(), "node-a")).getLease().getSubnet())
                .isEqualTo(a.getSubnet());
        assertThat(nodeA.listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList())
                .extracting(Lease::getNodeName)
                .containsExactlyInAnyOrder("node-a", "node-b");
        Iterator<WatchLeasesResponse> watch = nodeA.watchLeases(WatchLeasesRequest.getDefaultInstance());
        WatchLeasesResponse snapshot = watch.next();
        assertThat(snapshot.getType()).isEqualTo(WatchLeasesResponse.Type.SNAPSHOT);
        assertThat(snapshot.getLeasesList()).extracting(Lease::getNodeName).contains("node-a", "node-b");

        leases("ops").releaseLease(release(b.getSubnet(), ""));
        assertThat(fixture.etcdContents().keySet())
                .noneMatch(key -> key.endsWith(b.getSubnet().replace('/', '-')));
        assertThat(nodeA.releaseLease(release(a.getSubnet(), "node-a")).getRevision())
                .isPositive();
    }

    @Test
    void aNodeWhoseCertificateNamesIpAddressesAcquiresOnlyWithOneOfThem() throws Exception {
        network("ops").setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build());
        TestCertificates.Issued cert = ca.clientWithIpAddresses("node-c", List.of("192.0.2.3"));
        LeaseServiceGrpc.LeaseServiceBlockingStub nodeC = LeaseServiceGrpc.newBlockingStub(
                        channel(ssl -> ssl.trustManager(ca.caFile().toFile())
                                .keyManager(
                                        cert.certificate().toFile(), cert.key().toFile())))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        long revision = fixture.etcdRevision();

        assertDenied(
                () -> nodeC.acquireLease(AllocatorFixture.vxlanNode("node-c", "192.0.2.9")),
                "identity node-c may not acquire a lease for public IP 192.0.2.9: its certificate names the IP"
                        + " addresses [192.0.2.3]");
        assertThat(fixture.etcdRevision()).isEqualTo(revision);

        assertThat(nodeC.acquireLease(AllocatorFixture.vxlanNode("node-c", "192.0.2.3"))
                        .getLease()
                        .getPublicIp())
                .isEqualTo("192.0.2.3");
    }

    @Test
    void aSecondRequestOnAUnaryCallIsNeverServed() throws Exception {
        network("ops").setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build());
        Lease a = leases("node-a")
                .acquireLease(AllocatorFixture.vxlanNode("node-a", "192.0.2.1"))
                .getLease();
        Lease b = leases("node-b")
                .acquireLease(AllocatorFixture.vxlanNode("node-b", "192.0.2.2"))
                .getLease();
        Map<String, String> before = fixture.etcdContents();

        // A hostile client may send more than one request on a unary call, hoping only the first
        // is checked and the last is served. gRPC's server ends such a call itself before any
        // request reaches the interceptors or the service, so neither lease may change.
        Status status = unaryWithTwoMessages(
                clientChannel("node-a"), release(a.getSubnet(), "node-a"), release(b.getSubnet(), "node-b"));

        assertThat(status.getCode()).as("%s", status).isNotEqualTo(Status.Code.OK);
        assertThat(fixture.etcdContents()).isEqualTo(before);
        assertThat(metrics()).doesNotContain("method=\"ReleaseLease\"");
    }

    @Test
    void onlyTheAdminChangesTheConfigAndReservations() throws Exception {
        assertDenied(
                () -> network("node-a")
                        .setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build()),
                "identity node-a may not set the network config");
        assertThat(fixture.etcdContents()).isEmpty();
        network("ops").setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build());
        assertThat(network("node-a")
                        .getConfig(io.weft.api.v1.GetConfigRequest.getDefaultInstance())
                        .getNetwork())
                .isEqualTo("10.62.0.0/16");

        CreateReservationRequest reserve = CreateReservationRequest.newBuilder()
                .setSubnet("10.62.9.0/24")
                .setNodeName("node-a")
                .build();
        assertDenied(() -> leases("node-a").createReservation(reserve), "identity node-a may not create a reservation");
        assertThat(leases("ops").createReservation(reserve).getReserved()).isTrue();
        DeleteReservationRequest unreserve =
                DeleteReservationRequest.newBuilder().setSubnet("10.62.9.0/24").build();
        assertDenied(
                () -> leases("node-a").deleteReservation(unreserve), "identity node-a may not delete a reservation");
        leases("ops").deleteReservation(unreserve);
    }

    @Test
    void onlyTheAdminRunsTheConsistencyCheck() throws Exception {
        network("ops").setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build());

        assertDenied(
                () -> CheckServiceGrpc.newBlockingStub(clientChannel("node-a"))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(CheckRequest.getDefaultInstance()),
                "identity node-a may not run the consistency check");
        assertThat(CheckServiceGrpc.newBlockingStub(clientChannel("ops"))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .check(CheckRequest.getDefaultInstance())
                        .getProblemsList())
                .isEmpty();
    }

    @Test
    void refusalsAreCountedInMetrics() throws Exception {
        network("ops").setConfig(SetConfigRequest.newBuilder().setJson(CONFIG).build());
        Lease b = leases("node-b")
                .acquireLease(AllocatorFixture.vxlanNode("node-b", "192.0.2.2"))
                .getLease();
        assertDenied(() -> leases("node-a").renewLease(renew(b.getSubnet(), "node-b")), "identity node-a");
        assertDenied(() -> leases("node-a").renewLease(renew(b.getSubnet(), "node-a")), "identity node-a");

        String metrics = metrics();
        assertThat(metrics).containsPattern("(?m)^weft_permission_denied_total\\{method=\"RenewLease\"} 2\\.0$");
        assertThat(metrics)
                .containsPattern(
                        "(?m)^weft_grpc_calls_total\\{code=\"PERMISSION_DENIED\",method=\"RenewLease\"} 2\\.0$");
    }

    @Test
    void healthIsOpenToEveryAuthenticatedClient() {
        var health = HealthGrpc.newBlockingStub(clientChannel("node-a")).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    private String metrics() throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private LeaseServiceGrpc.LeaseServiceBlockingStub leases(String identity) {
        return LeaseServiceGrpc.newBlockingStub(clientChannel(identity)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private NetworkServiceGrpc.NetworkServiceBlockingStub network(String identity) {
        return NetworkServiceGrpc.newBlockingStub(clientChannel(identity)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private ManagedChannel clientChannel(String identity) {
        TestCertificates.Issued cert = ca.client(identity);
        return channel(ssl -> ssl.trustManager(ca.caFile().toFile())
                .keyManager(cert.certificate().toFile(), cert.key().toFile()));
    }

    private interface SslSetup {
        void apply(SslContextBuilder builder) throws Exception;
    }

    private ManagedChannel channel(SslSetup setup) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient();
            setup.apply(ssl);
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.grpcPort())
                    .sslContext(ssl.build())
                    .build();
            channels.add(channel);
            return channel;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RenewLeaseRequest renew(String subnet, String node) {
        return RenewLeaseRequest.newBuilder()
                .setSubnet(subnet)
                .setNodeName(node)
                .build();
    }

    private static ReleaseLeaseRequest release(String subnet, String node) {
        return ReleaseLeaseRequest.newBuilder()
                .setSubnet(subnet)
                .setNodeName(node)
                .build();
    }

    /** Sends two requests on one ReleaseLease call, then half-closes; answers how the call ended. */
    private static Status unaryWithTwoMessages(
            ManagedChannel channel, ReleaseLeaseRequest first, ReleaseLeaseRequest second) throws Exception {
        // Declared client-streaming on this side only, so the client library sends both messages
        // whatever it does for unary calls; the server still serves the method as unary.
        MethodDescriptor<ReleaseLeaseRequest, ReleaseLeaseResponse> streaming =
                LeaseServiceGrpc.getReleaseLeaseMethod().toBuilder()
                        .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
                        .build();
        ClientCall<ReleaseLeaseRequest, ReleaseLeaseResponse> call =
                channel.newCall(streaming, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                },
                new Metadata());
        call.request(1);
        call.sendMessage(first);
        call.sendMessage(second);
        call.halfClose();
        return closed.get(30, TimeUnit.SECONDS);
    }

    private static void assertDenied(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).startsWith(message);
        });
    }

    private static void assertUnavailable(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
}
