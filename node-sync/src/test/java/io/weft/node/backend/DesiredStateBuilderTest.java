package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.ip;
import static io.weft.node.backend.TestCluster.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import org.junit.jupiter.api.Test;

/**
 * The builder keeps the rules {@link DesiredState#of} checks (one object per kernel identity,
 * neighbours and FDB entries on weft's devices only), since what it builds is not checked again.
 */
class DesiredStateBuilderTest {

    private static final String DEV = "flannel.1";

    private static KernelRoute route(int n) {
        return new KernelRoute(p("10.244." + n + ".0/24"), ip("10.244." + n + ".0"), DEV, true);
    }

    private static KernelNeighbour neighbour(int n, String mac, String device) {
        return new KernelNeighbour(ip("10.244." + n + ".0"), mac, device);
    }

    private static KernelFdbEntry fdb(String mac, String publicIp) {
        return new KernelFdbEntry(mac, ip(publicIp), DEV);
    }

    @Test
    void aClaimOnATakenIdentityAddsNoneOfThePeersObjects() {
        DesiredState.Builder builder = DesiredState.builder().device(DEV);
        assertThat(builder.claim(
                        "node-a",
                        route(1),
                        neighbour(1, "0a:00:00:00:00:01", DEV),
                        fdb("0a:00:00:00:00:01", "192.0.2.1")))
                .isEmpty();

        assertThat(builder.claim(
                        "node-b",
                        route(2),
                        neighbour(2, "0a:00:00:00:00:02", DEV),
                        fdb("0a:00:00:00:00:01", "192.0.2.2")))
                .hasValue("VTEP MAC 0a:00:00:00:00:01 is also used by node-a");
        DesiredState state = builder.build();

        assertThat(state.routes()).containsExactly(route(1));
        assertThat(state.neighbours()).containsExactly(neighbour(1, "0a:00:00:00:00:01", DEV));
        assertThat(state.fdb()).containsExactly(fdb("0a:00:00:00:00:01", "192.0.2.1"));
        assertThat(state)
                .isEqualTo(DesiredState.of(
                        state.routes(), state.neighbours(), state.fdb(), state.devices(), state.skipped()));
    }

    @Test
    void aNeighbourOnADeviceThatIsNotWeftsIsRefused() {
        DesiredState.Builder builder = DesiredState.builder().device(DEV);

        assertThatThrownBy(() -> builder.claim("node-a", route(1), neighbour(1, "0a:00:00:00:00:01", "eth0"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one of weft's devices");
        assertThat(builder.build().routes()).isEmpty();
    }

    @Test
    void aBuiltStateDoesNotChangeAfterwards() {
        DesiredState.Builder builder = DesiredState.builder().device(DEV);
        builder.claim("node-a", route(1), null, null);
        DesiredState state = builder.build();

        assertThatThrownBy(() -> builder.claim("node-b", route(2), null, null))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> state.routes().add(route(3))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(state.routes()).containsExactly(route(1));
    }
}
