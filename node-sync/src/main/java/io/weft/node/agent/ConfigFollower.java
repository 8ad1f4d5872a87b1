package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.client.LeaseKey;
import io.weft.client.WeftClient;
import io.weft.config.ConfigException;
import io.weft.config.NetworkConfig;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running node on the current network config. At every reconcile tick it asks the
 * allocator for the config ({@link #poll}): the server answers from memory, so this costs one
 * small unary call per node per interval and nothing in etcd, needs no new stream (a reconnect or
 * a failover to another server changes nothing), and a config changed while the node was cut off
 * is seen at the next tick. A change is judged by {@link ConfigChange} and carried out on the
 * kernel thread, with one log line saying what changed and what the node did.
 */
final class ConfigFollower {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFollower.class);

    private final WeftClient client;
    private final Executor kernelThread;
    private final PeerProgrammer programmer;
    private final Supplier<Optional<Lease>> lease;
    private final String nodeName;
    private final Consumer<NetworkConfig> alsoInPlace;
    private final Consumer<NetworkConfig> rebuild;
    private final AtomicBoolean asking = new AtomicBoolean();
    /** The JSON last seen, so an unchanged config is not even parsed. */
    private volatile String lastJson;
    /** Kernel thread only. */
    private NetworkConfig current;

    /**
     * @param alsoInPlace told on the kernel thread of every config the running backend takes, after
     *                    the programmer (the nftables rules follow the network)
     * @param rebuild called on the kernel thread with a config the running backend cannot take
     *                (new backend type, VNI or families): start the backend again from it
     */
    ConfigFollower(
            NetworkConfig current,
            WeftClient client,
            Executor kernelThread,
            PeerProgrammer programmer,
            Supplier<Optional<Lease>> lease,
            String nodeName,
            Consumer<NetworkConfig> alsoInPlace,
            Consumer<NetworkConfig> rebuild) {
        this.current = current;
        this.lastJson = current.json();
        this.client = client;
        this.kernelThread = kernelThread;
        this.programmer = programmer;
        this.lease = lease;
        this.nodeName = nodeName;
        this.alsoInPlace = alsoInPlace;
        this.rebuild = rebuild;
    }

    /** Asks for the config once (unless an answer is still due); a new one is followed on the kernel thread. */
    void poll() {
        if (!asking.compareAndSet(false, true)) {
            return;
        }
        client.getConfigAsync().whenComplete((answer, error) -> {
            asking.set(false);
            if (error != null) {
                LOG.debug("could not read the network config: {}", error.getMessage());
                return;
            }
            String json = answer.getJson();
            if (json.equals(lastJson)) {
                return;
            }
            lastJson = json;
            try {
                NetworkConfig next = NetworkConfig.parse(json);
                kernelThread.execute(() -> follow(next));
            } catch (ConfigException e) {
                LOG.warn("the new network config cannot be used here, keeping the one in force: {}", e.getMessage());
            }
        });
    }

    /** Runs on the kernel thread. */
    void follow(NetworkConfig next) {
        Optional<Lease> held = lease.get();
        ConfigChange change = ConfigChange.between(current, next, held);
        String differences = String.join(", ", change.differences());
        switch (change.response()) {
            case NONE -> current = next;
            case IN_PLACE -> {
                current = next;
                var done = programmer.configChanged(next);
                alsoInPlace.accept(next);
                LOG.info(
                        "config changed: {}; {}",
                        differences,
                        done.isEmpty() ? "nothing on this host changes" : String.join("; ", done));
            }
            case REACQUIRE -> {
                current = next;
                programmer.configChanged(next);
                alsoInPlace.accept(next);
                LOG.warn(
                        "config changed: {}; {}: releasing {} and acquiring a new subnet",
                        differences,
                        change.reason(),
                        held.map(LeaseKey::of).orElse("the lease"));
                held.ifPresent(lease -> client.releaseAsync(LeaseKey.of(lease), nodeName)
                        .whenComplete((revision, error) -> {
                            if (error != null) {
                                LOG.warn("could not release {}: {}", LeaseKey.of(lease), error.getMessage());
                            }
                        }));
            }
            case REBUILD -> {
                current = next;
                LOG.warn("config changed: {}; {}: re-creating the backend and its lease", differences, change.reason());
                rebuild.accept(next);
            }
        }
    }
}
