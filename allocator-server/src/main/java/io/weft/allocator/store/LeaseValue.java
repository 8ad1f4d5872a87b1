package io.weft.allocator.store;

import io.weft.config.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of a lease key, in flannel's JSON:
 * {@code {"PublicIP":"192.168.64.3","PublicIPv6":null,"BackendType":"vxlan","BackendData":{...}}}.
 * weft adds {@code NodeName}; flannel's decoder ignores it, and weft never requires it on
 * leases written by flanneld. Other unknown fields are preserved on rewrite.
 *
 * @param publicIp    the node's public IPv4, or "" when absent
 * @param publicIpv6  the node's public IPv6, or "" (written as JSON null, as flannel does)
 * @param backendType "vxlan", "host-gw" or whatever flanneld wrote
 * @param backendData vxlan data for IPv4, or null
 * @param backendV6Data vxlan data for IPv6, or null
 * @param nodeName    weft's node name, or "" for leases written by flanneld
 */
public record LeaseValue(
        String publicIp,
        String publicIpv6,
        String backendType,
        VtepData backendData,
        VtepData backendV6Data,
        String nodeName,
        Map<String, Object> extra) {

    public LeaseValue {
        extra = Map.copyOf(extra);
    }

    public LeaseValue(String publicIp, String publicIpv6, String backendType,
                      VtepData backendData, VtepData backendV6Data, String nodeName) {
        this(publicIp, publicIpv6, backendType, backendData, backendV6Data, nodeName, Map.of());
    }

    /**
     * Parses a stored value. Throws IllegalArgumentException for anything that is not a JSON
     * object whose known fields have flannel's types: the caller skips and counts such keys.
     */
    @SuppressWarnings("unchecked")
    public static LeaseValue parse(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("lease value is not a JSON object");
        }
        Map<String, Object> fields = (Map<String, Object>) raw;
        String publicIp = "";
        String publicIpv6 = "";
        String backendType = "";
        String nodeName = "";
        VtepData data = null;
        VtepData v6Data = null;
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Object value = field.getValue();
            switch (field.getKey()) {
                case "PublicIP" -> publicIp = stringOrEmpty(value, "PublicIP");
                case "PublicIPv6" -> publicIpv6 = stringOrEmpty(value, "PublicIPv6");
                case "BackendType" -> backendType = stringOrEmpty(value, "BackendType");
                case "NodeName" -> nodeName = stringOrEmpty(value, "NodeName");
                case "BackendData" -> data = vtep(value);
                case "BackendV6Data" -> v6Data = vtep(value);
                default -> {
                    if (value != null) {
                        extra.put(field.getKey(), value);
                    }
                }
            }
        }
        return new LeaseValue(publicIp, publicIpv6, backendType, data, v6Data, nodeName, extra);
    }

    /** flannel's field names and shapes; PublicIPv6 is always present (null when empty). */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("PublicIP", publicIp);
        json.put("PublicIPv6", publicIpv6.isEmpty() ? null : publicIpv6);
        if (!backendType.isEmpty()) {
            json.put("BackendType", backendType);
        }
        if (backendData != null) {
            json.put("BackendData", backendData.toJson());
        }
        if (backendV6Data != null) {
            json.put("BackendV6Data", backendV6Data.toJson());
        }
        if (!nodeName.isEmpty()) {
            json.put("NodeName", nodeName);
        }
        json.putAll(extra);
        return Json.write(json);
    }

    /** True when both describe the same node and data plane (extra fields aside). */
    public boolean sameAttributes(LeaseValue other) {
        return publicIp.equals(other.publicIp) && publicIpv6.equals(other.publicIpv6)
                && backendType.equals(other.backendType) && nodeName.equals(other.nodeName)
                && sameVtep(backendData, other.backendData) && sameVtep(backendV6Data, other.backendV6Data);
    }

    private static boolean sameVtep(VtepData a, VtepData b) {
        return a == null ? b == null : b != null && a.vni() == b.vni() && a.vtepMac().equals(b.vtepMac());
    }

    private static String stringOrEmpty(Object value, String field) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(field + " is not a string");
    }

    @SuppressWarnings("unchecked")
    private static VtepData vtep(Object value) {
        // flannel stores BackendData as raw JSON; non-vxlan backends may store anything here.
        return value instanceof Map<?, ?> map ? VtepData.fromJson((Map<String, Object>) map) : null;
    }
}
