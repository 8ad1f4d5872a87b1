package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import java.util.List;
import java.util.Optional;

/**
 * The host's own interfaces and routes, read-only: where the agent finds its external interface
 * and what peers must never cover. Two implementations, like {@link Dataplane}: netlink (link,
 * address and route dumps of the process's network namespace) and an in-memory one for tests.
 * Every call reads afresh (an address or route added since is seen); a failure to read is a
 * {@link DataplaneException}.
 */
public interface HostInterfaces extends AutoCloseable {

    /** {@code ip addr show}: every interface with its addresses of both families, by index. */
    List<HostInterface> interfaces();

    /** {@code ip route show table main}: the main table's unicast routes of one family, of any protocol. */
    List<HostRoute> routes(IpFamily family);

    /**
     * {@code ip route get ADDRESS}: the interface the kernel would send a packet to the address
     * through, or empty when it has no route there.
     */
    Optional<String> deviceTo(IpAddress destination);

    /** Lets go of whatever the implementation holds open (a socket); nothing by default. */
    @Override
    default void close() {}
}
