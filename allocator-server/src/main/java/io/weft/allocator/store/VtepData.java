package io.weft.allocator.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * flannel's vxlan BackendData: {@code {"VNI":1,"VtepMAC":"c6:d2:32:6f:8f:44"}}.
 * Unknown fields written by other flannel versions are kept so a rewrite never drops them.
 */
public record VtepData(long vni, String vtepMac, Map<String, Object> extra) {

    public VtepData {
        extra = extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public VtepData(long vni, String vtepMac) {
        this(vni, vtepMac, Map.of());
    }

    /**
     * The MAC in one spelling, lower case with colons (Go's ParseMAC also takes hyphens and upper
     * case), so one MAC is recognised however it was written; "" when there is none.
     */
    public String normalMac() {
        return vtepMac.replace('-', ':').toLowerCase(Locale.ROOT);
    }

    static VtepData fromJson(Map<String, Object> json) {
        Map<String, Object> extra = new LinkedHashMap<>();
        long vni = 0;
        String mac = "";
        for (Map.Entry<String, Object> field : json.entrySet()) {
            switch (field.getKey()) {
                case "VNI" -> vni = field.getValue() instanceof Number n ? n.longValue() : 0;
                case "VtepMAC" -> mac = field.getValue() instanceof String s ? s : "";
                default -> {
                    if (field.getValue() != null) {
                        extra.put(field.getKey(), field.getValue());
                    }
                }
            }
        }
        return new VtepData(vni, mac, extra);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("VNI", vni);
        json.put("VtepMAC", vtepMac);
        json.putAll(extra);
        return json;
    }
}
