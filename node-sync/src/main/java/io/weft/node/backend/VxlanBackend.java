package io.weft.node.backend;

import io.weft.api.v1.VxlanBackendData;
import io.weft.config.BackendConfig;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.VxlanSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * flannel's vxlan backend. One vxlan device per enabled family ({@code flannel.<VNI>},
 * {@code flannel-v6.<VNI>}) whose address is the node's own subnet's network address as a
 * host prefix. For each remote vxlan lease, on the device of each family, three objects:
 * <pre>
 * ip neigh replace SUBNET-ADDR lladdr VTEP-MAC dev flannel.1 nud permanent
 * bridge fdb replace VTEP-MAC dev flannel.1 dst PUBLIC-IP self permanent
 * ip route replace SUBNET via SUBNET-ADDR dev flannel.1 onlink
 * </pre>
 * With DirectRouting, a peer whose public IP lies on one of the external interface's subnets
 * gets only {@code ip route replace SUBNET via PUBLIC-IP dev EXT}: no encapsulation.
 *
 * <p>A lease of another backend type, or whose subnet, public IP or VTEP (MAC, VNI) is missing
 * or malformed, is skipped for that family with the reason; the other peers are unaffected.
 * A VTEP without a VNI (older flanneld leases) is accepted; a different VNI is not.
 */
public final class VxlanBackend implements Backend {

    private static final IpPrefix LINK_LOCAL_V6 = IpPrefix.parse("fe80::/10");

    @Override
    public String type() {
        return BackendConfig.VXLAN;
    }

    @Override
    public List<VxlanSpec> devices(NodeHost host) throws BackendException {
        BackendConfig config = host.network().backend();
        ExternalLink external = host.external();
        List<VxlanSpec> specs = new ArrayList<>();
        for (IpFamily family : host.families()) {
            IpAddress local = host.publicIp(family)
                    .orElseThrow(() -> new BackendException("vxlan over " + family
                            + " needs this node's public " + family + " address; the external interface "
                            + external.name()
                            + " has none (set it explicitly)"));
            int headroom = family == IpFamily.IPV4 ? 50 : 70;
            int maxMtu = external.mtu() - headroom;
            if (config.mtu() > maxMtu || maxMtu < 68 && config.mtu() == 0) {
                throw new BackendException("vxlan MTU " + (config.mtu() == 0 ? maxMtu : config.mtu())
                        + " does not fit: "
                        + external.name() + " has MTU " + external.mtu() + " and " + family + " encapsulation takes "
                        + headroom + " bytes; set Backend.MTU to at most " + maxMtu + " (and at least 68)");
            }
            String name = host.vxlanDevice(family);
            if (name.length() > 15) {
                throw new BackendException("vxlan device name " + name + " is longer than Linux's 15 characters;"
                        + " use a smaller VNI or another device name");
            }
            specs.add(new VxlanSpec(
                    name,
                    config.vni(),
                    local,
                    external.name(),
                    config.effectivePort(),
                    config.learning(),
                    config.gbp(),
                    config.mtu() == 0 ? maxMtu : config.mtu(),
                    VtepMac.derive(host.nodeName(), config.vni(), family)));
        }
        return List.copyOf(specs);
    }

    @Override
    public Advertisement prepare(NodeHost host, Dataplane dataplane) throws BackendException {
        Optional<VxlanBackendData> v4 = Optional.empty();
        Optional<VxlanBackendData> v6 = Optional.empty();
        for (VxlanSpec spec : devices(host)) {
            LinkInfo device = VxlanDevice.ensure(dataplane, spec);
            VxlanBackendData data = VxlanBackendData.newBuilder()
                    .setVni(spec.vni())
                    .setVtepMac(device.mac())
                    .build();
            if (spec.local().family() == IpFamily.IPV4) {
                v4 = Optional.of(data);
            } else {
                v6 = Optional.of(data);
            }
        }
        return new Advertisement(type(), v4, v6);
    }

    @Override
    public void activate(NodeContext self, Dataplane dataplane) {
        for (IpFamily family : self.host().families()) {
            String device = self.host().vxlanDevice(family);
            IpPrefix own = IpPrefix.of(self.subnet(family).orElseThrow().address(), family.bits());
            boolean present = false;
            for (IpPrefix address : dataplane.addressList(device, family)) {
                if (address.equals(own)) {
                    present = true;
                } else if (!LINK_LOCAL_V6.contains(address.address())) {
                    dataplane.addressDelete(device, address); // from a lease this node held before
                }
            }
            if (!present) {
                dataplane.addressReplace(device, own);
            }
            if (!dataplane.linkByName(device).map(LinkInfo::up).orElse(false)) {
                dataplane.linkSetUp(device);
            }
        }
    }

    @Override
    public DesiredState desired(NodeContext self, Collection<PeerLease> peers) {
        BackendConfig config = self.network().backend();
        DesiredState.Builder state = DesiredState.builder(peers.size());
        List<IpFamily> families = self.host().families();
        families.forEach(family -> state.device(self.host().vxlanDevice(family)));
        for (Peer peer : Peer.remote(self, peers)) {
            if (!type().equals(peer.lease.backendType())) {
                state.skip(peer.name, "backend type \"" + peer.lease.backendType() + "\", not vxlan");
                continue;
            }
            for (IpFamily family : families) {
                try {
                    Peer.Endpoint endpoint = peer.endpoint(self, family);
                    Optional<String> conflict;
                    if (config.directRouting() && self.external().onLink(endpoint.publicIp())) {
                        conflict = state.claim(
                                peer.name,
                                new KernelRoute(
                                        endpoint.subnet(),
                                        endpoint.publicIp(),
                                        self.external().name(),
                                        false),
                                null,
                                null);
                    } else {
                        String device = self.host().vxlanDevice(family);
                        String mac = vtepMac(peer.lease, family, config.vni());
                        IpAddress vtep = endpoint.subnet().address();
                        conflict = state.claim(
                                peer.name,
                                new KernelRoute(endpoint.subnet(), vtep, device, true),
                                new KernelNeighbour(vtep, mac, device),
                                new KernelFdbEntry(mac, endpoint.publicIp(), device));
                    }
                    conflict.ifPresent(reason -> state.skip(peer.name, family + ": " + reason));
                } catch (Peer.Invalid e) {
                    state.skip(peer.name, e.kind, family + ": " + e.getMessage());
                }
            }
        }
        return state.build();
    }

    /** The peer's VTEP MAC for a family, checked against the network's VNI. */
    private static String vtepMac(PeerLease lease, IpFamily family, int vni) throws Peer.Invalid {
        PeerLease.Vtep vtep = lease.side(family).vtep().get();
        if (vtep.vni() != 0 && vtep.vni() != Integer.toUnsignedLong(vni)) {
            throw new Peer.Invalid("VNI " + vtep.vni() + ", this network uses " + Integer.toUnsignedLong(vni));
        }
        return vtep.mac();
    }
}
