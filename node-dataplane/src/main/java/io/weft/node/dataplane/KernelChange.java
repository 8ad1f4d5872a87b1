package io.weft.node.dataplane;

/**
 * One idempotent change to kernel state, applied in batches by {@link Dataplane#apply}.
 * "Replace" creates or replaces; "delete" of something already gone is not an error.
 */
public sealed interface KernelChange {

    record RouteReplace(KernelRoute route) implements KernelChange {}

    record RouteDelete(KernelRoute route) implements KernelChange {}

    record NeighbourReplace(KernelNeighbour neighbour) implements KernelChange {}

    record NeighbourDelete(KernelNeighbour neighbour) implements KernelChange {}

    record FdbReplace(KernelFdbEntry entry) implements KernelChange {}

    record FdbDelete(KernelFdbEntry entry) implements KernelChange {}
}
