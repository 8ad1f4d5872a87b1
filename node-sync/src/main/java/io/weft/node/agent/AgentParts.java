package io.weft.node.agent;

import io.weft.client.ExecutorScheduler;
import io.weft.client.Scheduler;
import io.weft.client.WeftClient;
import io.weft.config.IpAddress;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.HostInterfaces;
import io.weft.node.netlink.NetlinkDataplane;
import io.weft.node.netlink.NetlinkHostInterfaces;
import io.weft.node.nftables.NftProgram;
import io.weft.node.nftables.Nftables;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@link NodeAgent} is assembled from: the real ones on a host ({@link #onThisHost}), memory
 * ones and an in-process allocator in tests. The agent closes each of them when it closes.
 *
 * @param client     the allocator client
 * @param dataplane  the kernel seam, with its link events
 * @param host       the host's interfaces and routes (external interface, what peers must not cover)
 * @param timers     a scheduler for each named job: "config", "lease-keeper", "lease-watch",
 *                   "lost-store-grace", "reconcile". The lease keeper blocks its scheduler's
 *                   thread, so on a host each job gets its own; a test may hand out one manual
 *                   scheduler for all. Schedulers that are {@link AutoCloseable} are closed.
 * @param allocators the allocators' addresses: no peer may cover them
 * @param nftables   the nft program, used only when the settings ask for traffic rules
 */
public record AgentParts(
        WeftClient client,
        Dataplane dataplane,
        HostInterfaces host,
        Function<String, Scheduler> timers,
        Set<IpAddress> allocators,
        Nftables nftables) {

    public AgentParts {
        allocators = Set.copyOf(allocators);
    }

    /** Without nftables: for settings that ask for no traffic rules. */
    public AgentParts(
            WeftClient client,
            Dataplane dataplane,
            HostInterfaces host,
            Function<String, Scheduler> timers,
            Set<IpAddress> allocators) {
        this(client, dataplane, host, timers, allocators, null);
    }

    /** The real parts: a gRPC client to the settings' servers, netlink, one thread per timer. */
    public static AgentParts onThisHost(NodeSettings settings) {
        WeftClient.Builder client = WeftClient.builder().addresses(settings.servers());
        if (settings.tls() != null) {
            client.tls(settings.tls());
        }
        return new AgentParts(
                client.build(),
                NetlinkDataplane.open(),
                NetlinkHostInterfaces.open(),
                job -> ExecutorScheduler.singleThread("weft-" + job),
                HostFactsReader.resolve(settings.servers()),
                new NftProgram());
    }
}
