package io.weft.config;

import java.util.Objects;

/**
 * The {@code Backend} section of a network config after defaults. weft supports flannel's
 * {@code vxlan} and {@code host-gw} types; for {@code host-gw} the VXLAN fields are zero/false.
 *
 * @param type {@link #VXLAN} or {@link #HOST_GW}
 * @param vni VXLAN network identifier, 0..16777215 (flannel default 1)
 * @param port VXLAN UDP port, or 0 for the kernel default 8472; see {@link #effectivePort()}
 * @param gbp VXLAN Group Based Policy extension
 * @param learning whether the VXLAN device learns remote MACs (flannel programs them instead)
 * @param directRouting route directly to peers on the same L2 network instead of encapsulating
 * @param mtu MTU to use, or 0 to derive it from the underlay interface
 */
public record BackendConfig(
        String type, int vni, int port, boolean gbp, boolean learning, boolean directRouting, int mtu) {

    public static final String VXLAN = "vxlan";
    public static final String HOST_GW = "host-gw";
    /** The port the Linux kernel (and so flannel) uses for VXLAN when none is configured. */
    public static final int DEFAULT_VXLAN_PORT = 8472;

    public static final int DEFAULT_VNI = 1;

    public BackendConfig {
        Objects.requireNonNull(type, "type");
    }

    /** VXLAN with every flannel default: VNI 1, kernel port, no GBP/learning/direct routing. */
    public static BackendConfig vxlanDefaults() {
        return new BackendConfig(VXLAN, DEFAULT_VNI, 0, false, false, false, 0);
    }

    /** The host-gw backend, which has no settings. */
    public static BackendConfig hostGw() {
        return new BackendConfig(HOST_GW, 0, 0, false, false, false, 0);
    }

    /** The UDP port VXLAN actually uses: {@code port}, or 8472 when it is 0. */
    public int effectivePort() {
        return port == 0 ? DEFAULT_VXLAN_PORT : port;
    }
}
