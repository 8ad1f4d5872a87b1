package io.weft.bench;

import java.time.Duration;
import java.util.List;

/**
 * The sizes of one run. {@link #full()} is what issues 4 and 13 ask for (about 16-20 minutes on 2 cores);
 * {@link #quick()} runs every step at a small size (about a minute) to show the harness works.
 *
 * @param throughputWarmUp      figure 1: warm-up per side before anything is measured
 * @param throughputWindow      figure 1: each measured window
 * @param throughputClients     figure 1: the concurrency levels
 * @param throughputRounds      figure 1: windows per side and level, alternating baseline and weft
 * @param latencyPoints         figure 2: existing-lease counts at which latency is measured
 * @param latencySamples        figure 2: timed acquisitions per point
 * @param latencyWarmUp         figure 2: untimed acquisitions per point after the server restart
 * @param costOperations        figure 3: acquisitions and renewals counted
 * @param watchers              figures 3 and 4: gRPC watchers in the client process
 * @param leasesForLeaseCount   figure 3: node leases whose etcd leases are counted
 * @param fanoutAcquisitions    figure 4: acquisitions whose events are timed
 * @param fanoutPace            figure 4: time between two of them
 * @param heapLeases            figure 6: leases held when the server's heap is measured
 * @param nodePeers             figure 6: peers weft-node programs when its memory is read
 * @param startupRounds         figure 7: starts of each program with and without its AOT cache
 */
public record Scale(
        String name,
        Duration throughputWarmUp,
        Duration throughputWindow,
        List<Integer> throughputClients,
        int throughputRounds,
        List<Integer> latencyPoints,
        int latencySamples,
        int latencyWarmUp,
        int costOperations,
        int watchers,
        int leasesForLeaseCount,
        int fanoutAcquisitions,
        Duration fanoutPace,
        int heapLeases,
        int nodePeers,
        int startupRounds) {

    public static Scale full() {
        return new Scale(
                "full",
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                List.of(1, 16, 64),
                2,
                List.of(100, 1_000, 10_000, 30_000, 60_000),
                2_000,
                300,
                2_000,
                1_000,
                60_000,
                500,
                Duration.ofMillis(40),
                65_536,
                5_000,
                11);
    }

    public static Scale quick() {
        return new Scale(
                "quick",
                Duration.ofSeconds(1),
                Duration.ofMillis(1500),
                List.of(1, 16, 64),
                1,
                List.of(100, 1_000),
                150,
                50,
                200,
                100,
                1_000,
                30,
                Duration.ofMillis(30),
                2_048,
                100,
                3);
    }
}
