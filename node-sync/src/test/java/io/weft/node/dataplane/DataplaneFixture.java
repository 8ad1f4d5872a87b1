package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.Objects;

/**
 * What {@link DataplaneContract} runs against: a fresh {@link Dataplane} with nothing of weft's in
 * it, plus an underlay device that is up, has an MTU of at least 1280 and holds {@code ipv4}
 * (inside {@code ipv4Subnet}) and {@code ipv6} (inside {@code ipv6Subnet}; a real kernel must add
 * it with {@code nodad} so it is usable at once). The subnets need room for another host: the
 * contract uses a neighbour address on them as a gateway.
 */
public record DataplaneFixture(
        Dataplane dataplane,
        String underlay,
        IpAddress ipv4,
        IpPrefix ipv4Subnet,
        IpAddress ipv6,
        IpPrefix ipv6Subnet) {

    public DataplaneFixture {
        Objects.requireNonNull(dataplane);
        Objects.requireNonNull(underlay);
        if (!ipv4Subnet.contains(ipv4) || !ipv6Subnet.contains(ipv6)) {
            throw new IllegalArgumentException("the underlay addresses must lie inside their subnets");
        }
    }

    /** Another host on the underlay's subnet of the address's family: a usable gateway. */
    public IpAddress neighbourOf(IpAddress own, IpPrefix subnet) {
        IpAddress next = own.plus(1);
        return subnet.contains(next) && !next.equals(subnet.lastAddress()) ? next : own.plus(-1);
    }
}
