package io.weft.node.agent;

import io.weft.client.ClientTls;
import io.weft.client.ServerAddress;
import io.weft.node.nftables.TrafficRules;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the agent is told on its command line.
 *
 * @param servers           allocator-server addresses, tried in turn
 * @param nodeName          this node's name (default: the hostname)
 * @param iface             how to find the external interface
 * @param publicIpv6        the public IPv6 given, or null
 * @param subnetFile        where subnet.env goes (and the previous one is read from)
 * @param renewMargin       renew this long before the lease expires
 * @param reconcileInterval how often the kernel state is checked against the leases
 * @param lostStoreGrace    how long peers dropped by a reset that looks like a lost etcd stay
 *                          programmed while they re-acquire; zero to remove them at once
 * @param httpListen        /healthz, /readyz, /metrics; null for none
 * @param releaseOnExit     give the lease back on SIGTERM (default: keep it, like flanneld)
 * @param takeover          take over this node name's live lease even when it names another
 *                          host's public IP or VTEP MAC (a replaced or renumbered host)
 * @param tls               TLS to the servers (with this node's certificate, whose CN must be
 *                          {@code nodeName}); null for plaintext
 * @param trafficRules      masquerade and forward rules kept in nftables (--ip-masq, --forward-rules)
 * @param blackholeRoute    keep a blackhole route for this node's own subnets (--ip-blackhole-route)
 */
public record NodeSettings(
        List<ServerAddress> servers,
        String nodeName,
        ExternalInterface.Choice iface,
        io.weft.config.IpAddress publicIpv6,
        Path subnetFile,
        Duration renewMargin,
        Duration reconcileInterval,
        Duration lostStoreGrace,
        InetSocketAddress httpListen,
        boolean releaseOnExit,
        boolean takeover,
        ClientTls tls,
        TrafficRules trafficRules,
        boolean blackholeRoute) {

    public NodeSettings {
        java.util.Objects.requireNonNull(trafficRules);
    }

    /** Without nftables rules or blackhole routes. */
    public NodeSettings(
            List<ServerAddress> servers,
            String nodeName,
            ExternalInterface.Choice iface,
            io.weft.config.IpAddress publicIpv6,
            Path subnetFile,
            Duration renewMargin,
            Duration reconcileInterval,
            Duration lostStoreGrace,
            InetSocketAddress httpListen,
            boolean releaseOnExit,
            boolean takeover,
            ClientTls tls) {
        this(
                servers,
                nodeName,
                iface,
                publicIpv6,
                subnetFile,
                renewMargin,
                reconcileInterval,
                lostStoreGrace,
                httpListen,
                releaseOnExit,
                takeover,
                tls,
                TrafficRules.none(),
                false);
    }
}
