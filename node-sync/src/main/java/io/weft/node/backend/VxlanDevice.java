package io.weft.node.backend;

import io.weft.config.BackendConfig;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.DataplaneException;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.VxlanSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Brings a vxlan device to its {@link VxlanSpec}, as flannel does: a device that matches is kept
 * (with its MAC), one that does not is deleted and created again.
 *
 * <p>"Matches" means a vxlan device with the spec's VNI, port, local address, underlay, learning
 * and GBP settings. A matching device whose MTU differs gets the new MTU in place ({@code ip link
 * set NAME mtu MTU}): it keeps its MAC, addresses, neighbours and routes, so a new
 * {@code Backend.MTU} never interrupts traffic. Only a device that is missing or incompatible is
 * (re-)created, with the spec's (derived) MAC.
 */
public final class VxlanDevice {

    public enum Action {
        KEEP,
        SET_MTU,
        CREATE,
        RECREATE
    }

    /**
     * @param spec   the device to create (for KEEP, the spec with the existing MAC)
     * @param reason why, for the log: "absent", "VNI 2, want 1", ...
     */
    public record Plan(Action action, VxlanSpec spec, String reason) {}

    private VxlanDevice() {}

    /** Pure: what to do about {@code wanted} given the device of that name (if any). */
    public static Plan plan(VxlanSpec wanted, Optional<LinkInfo> existing, int underlayIndex) {
        if (existing.isEmpty()) {
            return new Plan(Action.CREATE, wanted, "absent");
        }
        LinkInfo link = existing.get();
        List<String> differences = differences(wanted, link, underlayIndex);
        if (!differences.isEmpty()) {
            return new Plan(Action.RECREATE, wanted, String.join(", ", differences));
        }
        VxlanSpec keepingMac = new VxlanSpec(
                wanted.name(),
                wanted.vni(),
                wanted.local(),
                wanted.underlay(),
                wanted.port(),
                wanted.learning(),
                wanted.gbp(),
                wanted.mtu(),
                link.mac());
        if (wanted.mtu() != 0 && link.mtu() != wanted.mtu()) {
            return new Plan(Action.SET_MTU, keepingMac, "MTU " + link.mtu() + ", want " + wanted.mtu());
        }
        return new Plan(Action.KEEP, keepingMac, "compatible");
    }

    private static List<String> differences(VxlanSpec wanted, LinkInfo link, int underlayIndex) {
        if (link.vxlan().isEmpty()) {
            return List.of("a " + link.kind() + " device, not vxlan");
        }
        LinkInfo.VxlanAttributes have = link.vxlan().get();
        int port = wanted.port() == 0 ? BackendConfig.DEFAULT_VXLAN_PORT : wanted.port();
        List<String> differences = new ArrayList<>();
        compare(differences, "VNI", have.vni(), wanted.vni());
        compare(differences, "port", have.port(), port);
        compare(differences, "local", have.local(), wanted.local());
        compare(differences, "underlay index", have.underlayIndex(), underlayIndex);
        compare(differences, "learning", have.learning(), wanted.learning());
        compare(differences, "gbp", have.gbp(), wanted.gbp());
        return differences;
    }

    private static void compare(List<String> differences, String what, Object have, Object want) {
        if (!have.equals(want)) {
            differences.add(what + " " + have + ", want " + want);
        }
    }

    /**
     * Carries out the plan through the dataplane; answers the device as it now is.
     *
     * @throws DataplaneException when the underlay is missing or the kernel refuses
     */
    public static LinkInfo ensure(Dataplane dataplane, VxlanSpec wanted) {
        LinkInfo underlay = dataplane
                .linkByName(wanted.underlay())
                .orElseThrow(() -> new DataplaneException(
                        "vxlan device " + wanted.name() + ": external interface " + wanted.underlay()
                                + " does not exist",
                        0));
        Optional<LinkInfo> existing = dataplane.linkByName(wanted.name());
        Plan plan = plan(wanted, existing, underlay.index());
        return switch (plan.action()) {
            case KEEP -> existing.orElseThrow();
            case SET_MTU -> {
                dataplane.linkSetMtu(wanted.name(), wanted.mtu());
                yield dataplane.linkByName(wanted.name()).orElseThrow();
            }
            case CREATE -> dataplane.vxlanAdd(plan.spec());
            case RECREATE -> {
                dataplane.linkDelete(wanted.name());
                yield dataplane.vxlanAdd(plan.spec());
            }
        };
    }
}
