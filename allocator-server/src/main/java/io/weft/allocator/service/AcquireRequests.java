package io.weft.allocator.service;

import io.grpc.Status;
import io.weft.allocator.alloc.AcquireIntent;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.VtepData;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.VxlanBackendData;
import io.weft.config.BackendConfig;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;

/**
 * Reads an AcquireLease request against the network config: every field checked
 * (INVALID_ARGUMENT naming it, FAILED_PRECONDITION when it does not fit the config), then the
 * lease value the node asks for and the intent the allocator chooses by.
 */
final class AcquireRequests {

    /** What a valid request asks for. */
    record Read(AcquireIntent intent, LeaseValue value, boolean takeover) {}

    private AcquireRequests() {}

    static Read read(AcquireLeaseRequest request, NetworkConfig config) {
        String node = FieldCheck.nodeName("node_name", request.getNodeName());
        BackendConfig backend = config.backend();
        String backendType = request.getBackendType().isEmpty() ? backend.type() : request.getBackendType();
        if (!backendType.equals(BackendConfig.VXLAN) && !backendType.equals(BackendConfig.HOST_GW)) {
            throw FieldCheck.invalid(
                    "backend_type",
                    "\"" + abbreviate(backendType) + "\" is not supported; allowed: " + BackendConfig.VXLAN + ", "
                            + BackendConfig.HOST_GW);
        }
        if (!backendType.equals(backend.type())) {
            throw Status.FAILED_PRECONDITION
                    .withDescription("backend_type: \"" + backendType
                            + "\" does not match the network config's Backend.Type \"" + backend.type() + "\"")
                    .asRuntimeException();
        }
        String publicIp = "";
        if (config.enableIPv4() || !request.getPublicIp().isEmpty()) {
            publicIp = FieldCheck.address("public_ip", request.getPublicIp(), IpFamily.IPV4)
                    .toString();
        }
        String publicIpv6 = "";
        if (config.enableIPv6() || !request.getPublicIpv6().isEmpty()) {
            publicIpv6 = FieldCheck.address("public_ipv6", request.getPublicIpv6(), IpFamily.IPV6)
                    .toString();
        }
        IpPrefix previous = request.getPreviousSubnet().isEmpty()
                ? null
                : FieldCheck.subnet("previous_subnet", request.getPreviousSubnet(), IpFamily.IPV4);
        IpPrefix previousV6 = request.getPreviousIpv6Subnet().isEmpty()
                ? null
                : FieldCheck.subnet("previous_ipv6_subnet", request.getPreviousIpv6Subnet(), IpFamily.IPV6);
        VtepData vtep = null;
        VtepData vtepV6 = null;
        if (backendType.equals(BackendConfig.VXLAN)) {
            if (config.enableIPv4()) {
                vtep = vtep("vxlan", request.hasVxlan() ? request.getVxlan() : null, backend);
            }
            if (config.enableIPv6()) {
                vtepV6 = vtep("vxlan_v6", request.hasVxlanV6() ? request.getVxlanV6() : null, backend);
            }
        }
        return new Read(
                new AcquireIntent(node, publicIp, previous, previousV6),
                new LeaseValue(publicIp, publicIpv6, backendType, vtep, vtepV6, node),
                request.getTakeover());
    }

    private static VtepData vtep(String field, VxlanBackendData data, BackendConfig backend) {
        if (data == null) {
            throw FieldCheck.invalid(field, "is required for the vxlan backend: {vni, vtep_mac}");
        }
        String mac = FieldCheck.mac(field + ".vtep_mac", data.getVtepMac());
        if (data.getVni() != 0 && data.getVni() != backend.vni()) {
            // vni is a uint32: Java's int would print 4294967295 as -1.
            throw FieldCheck.invalid(
                    field + ".vni",
                    Integer.toUnsignedString(data.getVni())
                            + " does not match the network config's VNI "
                            + backend.vni() + "; send " + backend.vni() + " or 0");
        }
        return new VtepData(backend.vni(), mac);
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }
}
