package io.weft.config;

import io.weft.config.json.Json;
import java.util.Optional;

/**
 * Reads the {@code Backend} object of a network config into a {@link BackendConfig}, applying
 * flannel's VXLAN defaults and recording every problem.
 */
final class BackendParser {

    private static final String ALLOWED_TYPES = BackendConfig.VXLAN + ", " + BackendConfig.HOST_GW;
    private static final String NO_UDP =
            "flannel would default to \"udp\", which weft does not support; allowed: " + ALLOWED_TYPES;
    private static final long MAX_VNI = (1 << 24) - 1;
    private static final int MAX_PORT = 65535;
    private static final int MAX_MTU = 65535;
    /** Smallest MTU IPv4 allows (RFC 791). */
    private static final int MIN_IPV4_MTU = 68;
    /** Smallest MTU IPv6 allows (RFC 8200); the device carries IPv6 once it is enabled. */
    private static final int MIN_IPV6_MTU = 1280;

    private BackendParser() {}

    /** The backend, or null when a problem was recorded. */
    static BackendConfig parse(JsonFields config, boolean ipv6Enabled) {
        if (!config.has("Backend")) {
            config.problem("Backend", "missing; " + NO_UDP);
            return null;
        }
        Optional<JsonFields> backend = config.object("Backend");
        if (backend.isEmpty()) {
            return null;
        }
        JsonFields fields = backend.get();
        if (!fields.has("Type")) {
            fields.problem("Type", "missing; " + NO_UDP);
            return null;
        }
        Optional<String> type = fields.string("Type");
        if (type.isEmpty()) {
            return null;
        }
        return switch (type.get()) {
            case BackendConfig.VXLAN -> parseVxlan(fields, ipv6Enabled);
            case BackendConfig.HOST_GW -> BackendConfig.hostGw();
            default -> {
                fields.problem("Type", unsupported(type.get()));
                yield null;
            }
        };
    }

    private static String unsupported(String type) {
        String message = Json.write(type) + " is not supported; allowed: " + ALLOWED_TYPES;
        boolean caseOnly = type.equalsIgnoreCase(BackendConfig.VXLAN) || type.equalsIgnoreCase(BackendConfig.HOST_GW);
        return caseOnly ? message + " (written in lowercase)" : message;
    }

    private static BackendConfig parseVxlan(JsonFields fields, boolean ipv6Enabled) {
        int before = fields.problemCount();
        long vni = fields.integer("VNI").orElse((long) BackendConfig.DEFAULT_VNI);
        if (vni < 0 || vni > MAX_VNI) {
            fields.problem("VNI", vni + " is out of range; allowed 0.." + MAX_VNI);
        }
        long port = fields.integer("Port").orElse(0L);
        if (port < 0 || port > MAX_PORT) {
            fields.problem(
                    "Port",
                    port + " is out of range; allowed 0 (kernel default " + BackendConfig.DEFAULT_VXLAN_PORT
                            + ") or 1.." + MAX_PORT);
        }
        boolean gbp = fields.bool("GBP").orElse(false);
        boolean learning = fields.bool("Learning").orElse(false);
        boolean directRouting = fields.bool("DirectRouting").orElse(false);
        long mtu = fields.integer("MTU").orElse(0L);
        int minMtu = ipv6Enabled ? MIN_IPV6_MTU : MIN_IPV4_MTU;
        if (mtu != 0 && (mtu < minMtu || mtu > MAX_MTU)) {
            String when = ipv6Enabled ? " when EnableIPv6 is true" : "";
            fields.problem(
                    "MTU",
                    mtu + " is out of range; allowed 0 (use the underlay MTU) or " + minMtu + ".." + MAX_MTU + when);
        }
        if (fields.problemCount() > before) {
            return null;
        }
        return new BackendConfig(BackendConfig.VXLAN, (int) vni, (int) port, gbp, learning, directRouting, (int) mtu);
    }
}
