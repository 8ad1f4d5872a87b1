package io.weft.faults;

import java.time.Instant;
import java.util.List;

/**
 * One round of a {@link TwinNode}: the same acquisition sent through two replicas at once.
 *
 * @param node the node name both requests carried
 * @param subnets the subnet of every answer that arrived (failed calls give none)
 * @param at when the last answer arrived
 */
record AcquisitionRound(String node, List<String> subnets, Instant at) {
    AcquisitionRound {
        subnets = List.copyOf(subnets);
    }
}
