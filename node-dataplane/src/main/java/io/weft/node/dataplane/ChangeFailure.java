package io.weft.node.dataplane;

/**
 * A change the kernel refused, with its reason (the kernel's extended-ack text when it sent one,
 * else the errno name), e.g. {@code route replace 10.244.2.0/24 via 10.244.2.0 dev flannel.1:
 * Nexthop has invalid gateway (ENETUNREACH)}.
 */
public record ChangeFailure(KernelChange change, String reason) {}
