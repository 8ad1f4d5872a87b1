package io.weft.allocator.store;

import io.weft.config.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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

    private static final String UNSPECIFIED_IPV4 = "0.0.0.0";
    /** The longest node name (a DNS name). */
    public static final int MAX_NODE_NAME = 253;

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");

    public LeaseValue {
        // Most values have no unknown fields: share the empty map (60,000 leases, ~100 B each).
        extra = extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        // One shared instance of the usual types, not a copy in each of 250,000 values: a value
        // decoded from JSON or built from a request brings its own.
        backendType = switch (backendType) {
            case "vxlan" -> "vxlan";
            case "host-gw" -> "host-gw";
            case null, default -> backendType;
        };
    }

    public LeaseValue(
            String publicIp,
            String publicIpv6,
            String backendType,
            VtepData backendData,
            VtepData backendV6Data,
            String nodeName) {
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
        String backendType = stringOrEmpty(fields.get("BackendType"), "BackendType");
        boolean vxlan = backendType.equals("vxlan");
        String publicIp = "";
        String publicIpv6 = "";
        String nodeName = "";
        VtepData data = null;
        VtepData v6Data = null;
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Object value = field.getValue();
            switch (field.getKey()) {
                case "PublicIP" -> publicIp = withoutUnspecified(stringOrEmpty(value, "PublicIP"));
                case "PublicIPv6" -> publicIpv6 = withoutUnspecified(stringOrEmpty(value, "PublicIPv6"));
                case "BackendType" -> {}
                case "NodeName" -> {
                    nodeName = stringOrEmpty(value, "NodeName");
                    if (!nodeName.isEmpty() && !isNodeName(nodeName)) {
                        throw new IllegalArgumentException("NodeName is not a node name");
                    }
                }
                case "BackendData" -> {
                    if (vxlan && value instanceof Map<?, ?> map) {
                        data = VtepData.fromJson((Map<String, Object>) map);
                    } else if (value != null) {
                        extra.put(field.getKey(), value);
                    }
                }
                case "BackendV6Data" -> {
                    if (vxlan && value instanceof Map<?, ?> map) {
                        v6Data = VtepData.fromJson((Map<String, Object>) map);
                    } else if (value != null) {
                        extra.put(field.getKey(), value);
                    }
                }
                default -> {
                    if (value != null) {
                        extra.put(field.getKey(), value);
                    }
                }
            }
        }
        return new LeaseValue(publicIp, publicIpv6, backendType, data, v6Data, nodeName, extra);
    }

    /**
     * weft's rule for node names: 1..253 letters, digits, '.', '_' and '-', starting and ending
     * with a letter or digit. Names are checked before they reach a key, a log line or a metric.
     */
    public static boolean isNodeName(String name) {
        return name.length() <= MAX_NODE_NAME && NODE_NAME.matcher(name).matches();
    }

    /** flannel's field names and shapes; PublicIPv6 is always present (null when empty). */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        // flannel's decoder refuses an empty PublicIP; it writes the unspecified address instead.
        json.put("PublicIP", publicIp.isEmpty() ? UNSPECIFIED_IPV4 : publicIp);
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

    /** The VTEP MACs this value names (IPv4 and IPv6 VTEPs), each once, in {@link VtepData#normalMac} form. */
    public List<String> vtepMacs() {
        List<String> macs = new ArrayList<>(2);
        for (VtepData vtep : new VtepData[] {backendData, backendV6Data}) {
            if (vtep != null && !vtep.vtepMac().isEmpty() && !macs.contains(vtep.normalMac())) {
                macs.add(vtep.normalMac());
            }
        }
        return macs;
    }

    /** True when both describe the same node and data plane (extra fields aside). */
    public boolean sameAttributes(LeaseValue other) {
        return publicIp.equals(other.publicIp)
                && publicIpv6.equals(other.publicIpv6)
                && backendType.equals(other.backendType)
                && nodeName.equals(other.nodeName)
                && sameVtep(backendData, other.backendData)
                && sameVtep(backendV6Data, other.backendV6Data);
    }

    private static boolean sameVtep(VtepData a, VtepData b) {
        return a == null
                ? b == null
                : b != null && a.vni() == b.vni() && a.vtepMac().equals(b.vtepMac());
    }

    private static String withoutUnspecified(String address) {
        return address.equals(UNSPECIFIED_IPV4) || address.equals("::") ? "" : address;
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
}
