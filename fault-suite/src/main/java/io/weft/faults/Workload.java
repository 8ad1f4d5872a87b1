package io.weft.faults;

import io.weft.client.WeftClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated cluster: nodes that acquire and keep renewing, a share of them releasing and
 * coming back now and then, a tenth asking both replicas at once ({@link TwinNode}), and watchers
 * following every change. Clients are shared round-robin; consecutive clients prefer different
 * replicas.
 */
final class Workload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workload.class);
    private static final double TWIN_SHARE = 0.1;

    private final List<SimulatedNode> steady = new ArrayList<>();
    private final List<SimulatedNode> churning = new ArrayList<>();
    private final List<TwinNode> twins = new ArrayList<>();
    private final List<RecordingWatcher> watchers = new ArrayList<>();
    private final ScheduledThreadPoolExecutor churn = new ScheduledThreadPoolExecutor(
            2, Thread.ofPlatform().name("fault-suite-churn").daemon(true).factory());
    private final Random random;

    Workload(FaultSuiteSettings settings, List<WeftClient> clients, RunLog runLog, Random random) {
        this.random = random;
        churn.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // Renew once about half the TTL is left: several renewals per node per minute.
        Duration renewMargin = settings.leaseTtl().dividedBy(2);
        int twinCount = (int) Math.round(settings.nodes() * TWIN_SHARE);
        int churners = (int) Math.round(settings.nodes() * settings.churningShare());
        for (int i = 0; i < settings.nodes(); i++) {
            WeftClient client = clients.get(i % clients.size());
            if (i < twinCount) {
                twins.add(new TwinNode(
                        i, client, clients.get((i + 1) % clients.size()), renewMargin, runLog, random.nextLong()));
            } else {
                SimulatedNode node = new SimulatedNode(i, client, renewMargin, runLog);
                (i < twinCount + churners ? churning : steady).add(node);
            }
        }
        for (int i = 0; i < settings.watchers(); i++) {
            watchers.add(
                    new RecordingWatcher(String.format("watcher-%02d", i), clients.get(i % clients.size()), runLog));
        }
    }

    void start() {
        watchers.forEach(RecordingWatcher::start);
        steady.forEach(SimulatedNode::start);
        twins.forEach(TwinNode::start);
        for (SimulatedNode node : churning) {
            node.start();
            scheduleRelease(node);
        }
    }

    List<RecordingWatcher> watchers() {
        return watchers;
    }

    /** How many nodes hold a lease right now (progress lines only). */
    long nodesHolding() {
        return allNodes().stream().filter(SimulatedNode::holding).count()
                + twins.stream().filter(TwinNode::holding).count();
    }

    private void scheduleRelease(SimulatedNode node) {
        if (churn.isShutdown()) {
            return;
        }
        churn.schedule(
                () -> {
                    try {
                        node.release();
                        if (churn.isShutdown()) {
                            return;
                        }
                        churn.schedule(
                                () -> {
                                    node.start();
                                    scheduleRelease(node);
                                },
                                500 + nextInt(2500),
                                TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RejectedExecutionException e) {
                        // stopping: the node stays released
                    } catch (RuntimeException e) {
                        LOG.error("{}: churn step failed", node.name(), e);
                    }
                },
                5000 + nextInt(15000),
                TimeUnit.MILLISECONDS);
    }

    private synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** Stops churning, then every keeper, each after its call in flight (if any) has ended. */
    void stopNodes() throws InterruptedException {
        churn.shutdown(); // a release under way finishes; nothing further starts
        if (!churn.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a churn step did not finish within 60 s");
        }
        try (ExecutorService stops = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SimulatedNode node : allNodes()) {
                stops.submit(() -> {
                    node.stop();
                    return null;
                });
            }
            for (TwinNode twin : twins) {
                stops.submit(() -> {
                    twin.stop();
                    return null;
                });
            }
        }
    }

    private List<SimulatedNode> allNodes() {
        List<SimulatedNode> all = new ArrayList<>(steady);
        all.addAll(churning);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        churn.shutdownNow();
        for (SimulatedNode node : allNodes()) {
            node.stop();
        }
        for (TwinNode twin : twins) {
            twin.stop();
        }
        watchers.forEach(RecordingWatcher::close);
    }
}
