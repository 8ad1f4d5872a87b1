package io.weft.node.backend;

import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.VxlanBackendData;
import java.util.Objects;
import java.util.Optional;

/**
 * What this node's lease must say about its backend: the type and, for vxlan, each family's VNI
 * and VTEP MAC (flannel's BackendData and BackendV6Data).
 */
public record Advertisement(String backendType, Optional<VxlanBackendData> vxlan, Optional<VxlanBackendData> vxlanV6) {

    public Advertisement {
        Objects.requireNonNull(backendType);
        Objects.requireNonNull(vxlan);
        Objects.requireNonNull(vxlanV6);
    }

    /** Sets the backend fields of an AcquireLease request. */
    public AcquireLeaseRequest.Builder applyTo(AcquireLeaseRequest.Builder request) {
        request.setBackendType(backendType);
        vxlan.ifPresentOrElse(request::setVxlan, request::clearVxlan);
        vxlanV6.ifPresentOrElse(request::setVxlanV6, request::clearVxlanV6);
        return request;
    }
}
