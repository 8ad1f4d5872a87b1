package io.weft.node.backend;

import io.weft.config.BackendConfig;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.VxlanSpec;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * flannel's host-gw backend: no devices, no encapsulation; for each remote host-gw lease and
 * enabled family, {@code ip route replace SUBNET via PUBLIC-IP dev EXT}. It only works when all
 * nodes share one L2 network without NAT, so it refuses to start when the public IP is not an
 * address of the external interface, and skips a peer whose public IP is not on one of that
 * interface's subnets (the kernel would refuse the route anyway).
 */
public final class HostGwBackend implements Backend {

    @Override
    public String type() {
        return BackendConfig.HOST_GW;
    }

    @Override
    public List<VxlanSpec> devices(NodeHost host) {
        return List.of();
    }

    @Override
    public Advertisement prepare(NodeHost host, Dataplane dataplane) throws BackendException {
        requirePublicIpOnInterface(host);
        return new Advertisement(type(), Optional.empty(), Optional.empty());
    }

    @Override
    public void activate(NodeContext self, Dataplane dataplane) {
        // Nothing to set up: routes go straight out of the external interface.
    }

    /**
     * @throws BackendException when, for an enabled family, the node has no public IP or it is not
     *     an address of the external interface (the node is behind NAT, or the wrong interface
     *     was picked)
     */
    public static void requirePublicIpOnInterface(NodeHost host) throws BackendException {
        ExternalLink external = host.external();
        for (IpFamily family : host.families()) {
            Optional<IpAddress> publicIp = host.publicIp(family);
            if (publicIp.isEmpty()) {
                throw new BackendException("host-gw over " + family + " needs this node's public " + family
                        + " address; the external interface " + external.name() + " has none");
            }
            if (!external.owns(publicIp.get())) {
                throw new BackendException("host-gw: the public IP " + publicIp.get() + " is not an address of "
                        + external.name() + " (it has " + external.addresses(family) + "); host-gw routes peers"
                        + " through that interface and cannot work behind NAT: use one of its addresses as the"
                        + " public IP, choose the interface that holds it, or use the vxlan backend");
            }
        }
    }

    @Override
    public DesiredState desired(NodeContext self, Collection<PeerLease> peers) {
        DesiredState.Builder state = DesiredState.builder(peers.size());
        ExternalLink external = self.external();
        for (Peer peer : Peer.remote(self, peers)) {
            if (!type().equals(peer.lease.backendType())) {
                state.skip(peer.name, "backend type \"" + peer.lease.backendType() + "\", not host-gw");
                continue;
            }
            for (IpFamily family : self.host().families()) {
                try {
                    Peer.Endpoint endpoint = peer.endpoint(self, family);
                    if (!external.onLink(endpoint.publicIp())) {
                        throw new Peer.Invalid("public IP " + endpoint.publicIp() + " is not on a subnet of "
                                + external.name() + "; host-gw needs every node on one L2 network");
                    }
                    state.claim(
                                    peer.name,
                                    new KernelRoute(endpoint.subnet(), endpoint.publicIp(), external.name(), false),
                                    null,
                                    null)
                            .ifPresent(reason -> state.skip(peer.name, family + ": " + reason));
                } catch (Peer.Invalid e) {
                    state.skip(peer.name, e.kind, family + ": " + e.getMessage());
                }
            }
        }
        return state.build();
    }
}
