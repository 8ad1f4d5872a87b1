package io.weft.allocator;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.NetworkServiceGrpc;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.VxlanBackendData;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real allocator-server on a loopback port over a real etcd, under a prefix of its own so
 * tests sharing one etcd never see each other's keys; plus a jetcd client to read etcd
 * directly and blocking stubs.
 */
final class AllocatorFixture implements AutoCloseable {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    final String prefix;
    final List<String> endpoints;
    final Client etcd;
    private final List<AllocatorServer> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    AllocatorFixture(List<String> endpoints) {
        this(endpoints, "/weft-test-" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "/network");
    }

    /** A second view of another fixture's prefix, through other endpoints. */
    AllocatorFixture(List<String> endpoints, String prefix) {
        this.endpoints = endpoints;
        this.prefix = prefix;
        this.etcd = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
    }

    AllocatorServer startServer(Duration ttl) throws Exception {
        AllocatorServer server = AllocatorServer.builder()
                .etcdEndpoints(endpoints)
                .etcdPrefix(prefix)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(ttl)
                .reuseQuarantine(Duration.ZERO)
                .start();
        servers.add(server);
        return server;
    }

    ManagedChannel channel(AllocatorServer server) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        channels.add(channel);
        return channel;
    }

    LeaseServiceGrpc.LeaseServiceBlockingStub leases(AllocatorServer server) {
        return LeaseServiceGrpc.newBlockingStub(channel(server)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    NetworkServiceGrpc.NetworkServiceBlockingStub network(AllocatorServer server) {
        return NetworkServiceGrpc.newBlockingStub(channel(server)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    void setConfig(AllocatorServer server, String json) {
        network(server).setConfig(SetConfigRequest.newBuilder().setJson(json).build());
    }

    /** Every key and value under the prefix, straight from etcd. */
    Map<String, String> etcdContents() throws Exception {
        ByteSequence start = bytes(prefix + "/");
        Map<String, String> contents = new LinkedHashMap<>();
        for (KeyValue kv : etcd.getKVClient()
                .get(start, GetOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS)
                .getKvs()) {
            contents.put(
                    kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return contents;
    }

    /** The etcd lease a key is attached to (0 = none). */
    long etcdLeaseOf(String key) throws Exception {
        List<KeyValue> kvs =
                etcd.getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
        if (kvs.isEmpty()) {
            throw new AssertionError("no key " + key);
        }
        return kvs.getFirst().getLease();
    }

    /** etcd's current revision: unchanged when a request wrote nothing. */
    long etcdRevision() throws Exception {
        return etcd.getKVClient()
                .get(bytes(prefix + "/config"))
                .get(10, TimeUnit.SECONDS)
                .getHeader()
                .getRevision();
    }

    static AcquireLeaseRequest vxlanNode(String name, String publicIp) {
        Random random = new Random(name.hashCode());
        String mac = String.format(
                "0a:%02x:%02x:%02x:%02x:%02x",
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256),
                random.nextInt(256));
        return AcquireLeaseRequest.newBuilder()
                .setNodeName(name)
                .setPublicIp(publicIp)
                .setBackendType("vxlan")
                .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac))
                .build();
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** Closes a server this test started itself, with the fixture. */
    void adopt(AllocatorServer server) {
        servers.add(server);
    }

    void stopServer(AllocatorServer server) {
        server.close();
        servers.remove(server);
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(AllocatorServer::close);
        etcd.close();
    }
}
