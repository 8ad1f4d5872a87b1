package io.weft.node.agent;

import static org.awaitility.Awaitility.await;

import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.weft.client.ManualScheduler;
import io.weft.client.WeftClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * What the NodeAgent tests share: the real allocator in process over etcd, one manual clock for
 * every timer, and the agents started against them. Closing the lab closes every agent it
 * started, then the allocator.
 */
final class AgentLab implements AutoCloseable {

    static final String VXLAN = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

    /**
     * How {@link #settle} waits: the clock moves {@code step} per poll for at most
     * {@code patience} of real time; {@code throughGaps} polls on past a moment with no lease (a
     * rebuild or re-acquisition: NOT_FOUND from the server, an empty lease in the agent).
     */
    record Settling(Duration step, Duration patience, boolean throughGaps) {
        static final Settling BY_SECONDS = new Settling(Duration.ofSeconds(1), Duration.ofSeconds(20), false);
    }

    final ManualScheduler timers = new ManualScheduler(Instant.now());
    final InProcessAllocator allocator;
    final WeftClient admin;
    private final Settling settling;
    private final List<NodeAgent> agents = new ArrayList<>();

    private AgentLab(List<String> etcdEndpoints, List<ServerInterceptor> interceptors, Settling settling)
            throws Exception {
        this.allocator = InProcessAllocator.start(etcdEndpoints, timers::now, interceptors);
        this.admin = allocator.client();
        this.settling = settling;
    }

    static AgentLab start(List<String> etcdEndpoints) throws Exception {
        return new AgentLab(etcdEndpoints, List.of(), Settling.BY_SECONDS);
    }

    static AgentLab start(List<String> etcdEndpoints, List<ServerInterceptor> interceptors, Settling settling)
            throws Exception {
        return new AgentLab(etcdEndpoints, interceptors, settling);
    }

    /** Starts the host's agent against this lab's allocator and clock, and waits for the start. */
    NodeAgent started(TestHost host, boolean releaseOnExit) throws Exception {
        return started(host.start(allocator, timers, releaseOnExit));
    }

    /** Waits for a start, running the timers due meanwhile (a config retry, a first acquisition). */
    NodeAgent started(CompletableFuture<NodeAgent> start) throws Exception {
        settle(start::isDone);
        NodeAgent agent = start.get();
        agents.add(agent);
        return agent;
    }

    /** Runs the timers that are due until {@code done}; a back-off's next retry comes with a clock step. */
    void settle(Callable<Boolean> done) {
        var wait = await().atMost(settling.patience());
        if (settling.throughGaps()) {
            wait = wait.ignoreExceptionsMatching(
                    e -> e instanceof StatusRuntimeException || e instanceof NoSuchElementException);
        }
        wait.until(() -> {
            timers.advance(settling.step());
            return done.call();
        });
    }

    @Override
    public void close() {
        try {
            agents.forEach(NodeAgent::close);
        } finally {
            try {
                admin.close();
            } finally {
                allocator.close();
            }
        }
    }
}
