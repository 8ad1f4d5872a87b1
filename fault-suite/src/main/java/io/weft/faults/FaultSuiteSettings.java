package io.weft.faults;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one run does.
 *
 * @param duration how long to keep injecting faults; the run goes on to the end of the round
 *     (every kind equally often) and until each kind was injected {@code minRounds} times
 * @param nodes simulated nodes; {@code churningShare} of them release and re-acquire now and then
 * @param watchers lease watches, one gRPC stream each
 * @param seed for the fault order, outage lengths and churn timing
 * @param leaseTtl the servers' lease TTL: short, so that renewals happen all through the run
 * @param workDir where etcd data and server logs go
 * @param classpath a classpath holding allocator-server and its dependencies, for the replicas
 */
public record FaultSuiteSettings(
        Duration duration,
        int minRounds,
        int nodes,
        double churningShare,
        int watchers,
        long seed,
        Duration leaseTtl,
        Path workDir,
        String classpath) {

    public FaultSuiteSettings {
        if (nodes < 1 || watchers < 1 || minRounds < 1) {
            throw new IllegalArgumentException("nodes, watchers and minRounds must be at least 1");
        }
        if (churningShare < 0 || churningShare > 1) {
            throw new IllegalArgumentException("churningShare must be in 0..1, got " + churningShare);
        }
    }

    /** The subnet length and the largest subnet index: about 10% more subnets than nodes, so that
     *  released subnets are soon handed to other nodes. */
    String networkConfigJson() {
        int capacity = nodes + Math.max(4, nodes / 10);
        int last = capacity; // subnet i is 10.(96 + i / 256).(i % 256).0/24, i from 1
        return "{\"Network\":\"10.96.0.0/12\",\"SubnetLen\":24,\"SubnetMin\":\"10.96.1.0\",\"SubnetMax\":\"10."
                + (96 + last / 256) + "." + (last % 256) + ".0\",\"Backend\":{\"Type\":\"vxlan\"}}";
    }
}
