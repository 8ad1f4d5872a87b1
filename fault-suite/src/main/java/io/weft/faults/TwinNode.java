package io.weft.faults;

import com.google.protobuf.Timestamp;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.client.WeftClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node name that asks for its lease through both replicas at once, every round: as an agent
 * that, its first request slow, asked the other replica too, or two agents started on one host.
 * Both requests carry the same name and attributes, so they must converge on one lease: every
 * answer of a round names the same subnet (recorded as an {@link AcquisitionRound}), and etcd
 * never holds two keys for the node. Each answer is also an acknowledgement, held to the same
 * rules as a {@link SimulatedNode}'s. Rounds come about twice per TTL, keeping the lease alive;
 * now and then the node releases, so that the next round races a fresh creation on both replicas.
 */
final class TwinNode {

    private static final Logger LOG = LoggerFactory.getLogger(TwinNode.class);
    private static final double RELEASE_CHANCE = 0.3;

    private final String name;
    private final AcquireLeaseRequest request;
    private final List<WeftClient> clients;
    private final Duration roundInterval;
    private final RunLog runLog;
    private final Random random;
    private volatile String held;
    private DrainingScheduler scheduler;

    /** {@code first} and {@code second} prefer different replicas. */
    TwinNode(int index, WeftClient first, WeftClient second, Duration roundInterval, RunLog runLog, long seed) {
        this.request = SimulatedNode.acquireRequest(index);
        this.name = request.getNodeName();
        this.clients = List.of(first, second);
        this.roundInterval = roundInterval;
        this.runLog = runLog;
        this.random = new Random(seed);
    }

    String name() {
        return name;
    }

    /** Whether the last round got an answer (progress lines only). */
    boolean holding() {
        return held != null;
    }

    synchronized void start() {
        DrainingScheduler own = new DrainingScheduler("twin-" + name);
        scheduler = own;
        next(own, Duration.ofMillis(random.nextInt(1000)));
    }

    /** Stops after the round in flight, if any; the lease stays until it expires. */
    synchronized void stop() throws InterruptedException {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
    }

    private void next(DrainingScheduler own, Duration delay) {
        try {
            own.schedule(delay, () -> round(own));
        } catch (RejectedExecutionException e) {
            // stopping: no further round
        }
    }

    /** Runs on this node's scheduler thread only. */
    private void round(DrainingScheduler own) {
        List<CompletableFuture<Lease>> answers = new ArrayList<>();
        for (WeftClient client : clients) {
            answers.add(client.acquireAsync(request).thenApply(response -> {
                acked(response.getLease()); // at its arrival, not once both are in
                return response.getLease();
            }));
        }
        List<String> subnets = new ArrayList<>();
        for (CompletableFuture<Lease> answer : answers) {
            try {
                subnets.add(answer.join().getSubnet());
            } catch (RuntimeException e) {
                runLog.attemptFailed();
            }
        }
        runLog.round(new AcquisitionRound(name, subnets, Instant.now()));
        held = subnets.isEmpty() ? null : subnets.getFirst();
        if (held != null && random.nextDouble() < RELEASE_CHANCE) {
            release(held);
            next(own, Duration.ofMillis(500 + random.nextInt(2500)));
        } else {
            long jitter = roundInterval.toMillis() / 5;
            next(own, roundInterval.minusMillis(jitter).plusMillis(random.nextLong(2 * jitter + 1)));
        }
    }

    private void release(String subnet) {
        Instant decided = Instant.now();
        WeftClient client = clients.get(random.nextInt(clients.size()));
        long revision = 0;
        try {
            revision = client.release(subnet, name);
        } catch (StatusRuntimeException e) {
            LOG.info("{}: releasing {} failed ({}); it will expire", name, subnet, e.getStatus());
        }
        held = null;
        runLog.add(new NodeRecord.Released(name, subnet, revision, decided));
    }

    private void acked(Lease lease) {
        Timestamp expiry = lease.getExpireTime();
        runLog.add(new NodeRecord.Acked(
                name,
                lease.getSubnet(),
                lease.getModRevision(),
                Instant.ofEpochSecond(expiry.getSeconds(), expiry.getNanos()),
                Instant.now()));
    }
}
