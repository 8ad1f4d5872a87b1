package io.weft.node.backend;

import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.VxlanSpec;
import java.util.Collection;
import java.util.List;

/**
 * A data-plane backend (flannel's {@code Backend.Type}): how this node reaches the other nodes'
 * subnets. The agent drives it in three steps:
 * <ol>
 *   <li>{@link #prepare} before the lease is acquired: checks the host and creates or keeps the
 *       backend's devices; answers what the lease must advertise (the VTEP MACs);</li>
 *   <li>{@link #activate} once the lease is held: gives the devices the node's own addresses and
 *       sets them up;</li>
 *   <li>{@link #desired} on every change of the peer set: the kernel state that should exist,
 *       which {@link Reconciler} then brings about.</li>
 * </ol>
 * Implementations hold no state and are thread-safe; {@link #devices} and {@link #desired} are
 * pure, the other two act only through the {@link Dataplane} and are idempotent (a restart
 * keeps devices, addresses and MACs).
 */
public interface Backend {

    /** The {@code Backend.Type} this implements: "vxlan", "host-gw". */
    String type();

    /** The vxlan devices this backend needs on this host (none for host-gw). Pure. */
    List<VxlanSpec> devices(NodeHost host) throws BackendException;

    /**
     * Checks that this host can run the backend and creates or keeps its devices.
     *
     * @throws BackendException when the configuration cannot work on this host
     * @throws io.weft.node.dataplane.DataplaneException when the kernel refuses a call
     */
    Advertisement prepare(NodeHost host, Dataplane dataplane) throws BackendException;

    /** Gives the devices the lease's addresses (removing older ones) and sets them up. */
    void activate(NodeContext self, Dataplane dataplane);

    /**
     * The routes, neighbours and FDB entries that should exist for these leases, from this node's
     * point of view. Pure. The node's own lease is never a peer; a lease that cannot be used
     * (another backend type, missing or malformed data, a conflict with another peer) is left
     * out and listed in {@link DesiredState#skipped()}, never fatal.
     */
    DesiredState desired(NodeContext self, Collection<PeerLease> peers);
}
