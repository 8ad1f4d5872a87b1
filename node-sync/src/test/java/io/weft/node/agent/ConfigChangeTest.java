package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.config.ConfigException;
import io.weft.config.NetworkConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConfigChangeTest {

    private static final String VXLAN = "\"Backend\":{\"Type\":\"vxlan\"}";
    private static final Optional<Lease> OWN =
            Optional.of(Lease.newBuilder().setSubnet("10.1.5.0/24").build());

    private static NetworkConfig config(String json) throws ConfigException {
        return NetworkConfig.parse(json);
    }

    private static ConfigChange change(String before, String after) throws ConfigException {
        return ConfigChange.between(config(before), config(after), OWN);
    }

    @Test
    void theSameConfigAsksForNothing() throws Exception {
        String json = "{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}";

        ConfigChange change = change(json, json.replace(",", " ,"));

        assertThat(change.response()).isEqualTo(ConfigChange.Response.NONE);
        assertThat(change.differences()).isEmpty();
    }

    @Test
    void aWiderNetworkHoldingTheNodesSubnetIsFollowedInPlace() throws Exception {
        ConfigChange change = change(
                "{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}",
                "{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":24," + VXLAN + "}");

        assertThat(change.response()).isEqualTo(ConfigChange.Response.IN_PLACE);
        assertThat(change.differences())
                .containsExactly(
                        "Network 10.1.0.0/16 -> 10.0.0.0/8",
                        "SubnetMin 10.1.1.0 -> 10.0.1.0",
                        "SubnetMax 10.1.255.0 -> 10.255.255.0");
    }

    @Test
    void mtuDirectRoutingPortLearningAndGbpAreFollowedInPlace() throws Exception {
        ConfigChange change = change(
                "{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}",
                "{\"Network\":\"10.1.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"MTU\":1300,"
                        + "\"DirectRouting\":true,\"Port\":4789,\"Learning\":true,\"GBP\":true}}");

        assertThat(change.response()).isEqualTo(ConfigChange.Response.IN_PLACE);
        assertThat(change.differences())
                .containsExactly(
                        "Backend.Port 0 -> 4789",
                        "Backend.GBP false -> true",
                        "Backend.Learning false -> true",
                        "Backend.DirectRouting false -> true",
                        "Backend.MTU (from the interface) -> 1300");
    }

    @Test
    void aNetworkThatNoLongerHoldsTheNodesSubnetMakesItReacquire() throws Exception {
        ConfigChange change = change(
                "{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}",
                "{\"Network\":\"10.1.0.0/16\",\"SubnetMin\":" + "\"10.1.10.0\"," + VXLAN + "}");
        ConfigChange moved =
                change("{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}", "{\"Network\":\"10.2.0.0/16\"," + VXLAN + "}");

        assertThat(change.response()).isEqualTo(ConfigChange.Response.REACQUIRE);
        assertThat(change.reason())
                .isEqualTo(
                        "this node's subnet 10.1.5.0/24 is outside the new subnet range 10.1.10.0/24 - 10.1.255.0/24");
        assertThat(moved.response()).isEqualTo(ConfigChange.Response.REACQUIRE);
    }

    @Test
    void aNewSubnetLenMakesItReacquireEvenWhenTheSubnetStillFits() throws Exception {
        ConfigChange change = change(
                "{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}",
                "{\"Network\":\"10.1.0.0/16\",\"SubnetLen\":26," + VXLAN + "}");

        assertThat(change.response()).isEqualTo(ConfigChange.Response.REACQUIRE);
        assertThat(change.reason()).isEqualTo("the subnet length changed");
        assertThat(change.differences()).contains("SubnetLen 24 -> 26");
    }

    @Test
    void aNodeWithoutALeaseYetFollowsANarrowerRangeInPlace() throws Exception {
        ConfigChange change = ConfigChange.between(
                config("{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}"),
                config("{\"Network\":\"10.1.0.0/16\",\"SubnetMin\":\"10.1.10.0\"," + VXLAN + "}"),
                Optional.empty());

        assertThat(change.response()).isEqualTo(ConfigChange.Response.IN_PLACE);
    }

    @Test
    void aNewVniBackendTypeOrFamilyRebuildsTheBackend() throws Exception {
        String base = "{\"Network\":\"10.1.0.0/16\"," + VXLAN + "}";

        ConfigChange vni = change(base, "{\"Network\":\"10.1.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":2}}");
        ConfigChange type = change(base, "{\"Network\":\"10.1.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}");
        ConfigChange v6 = change(
                base,
                "{\"Network\":\"10.1.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":\"fd00:1::/56\"," + VXLAN + "}");

        assertThat(vni.response()).isEqualTo(ConfigChange.Response.REBUILD);
        assertThat(vni.differences()).containsExactly("Backend.VNI 1 -> 2");
        assertThat(type.response()).isEqualTo(ConfigChange.Response.REBUILD);
        assertThat(type.reason()).isEqualTo("the backend type changed");
        assertThat(v6.response()).isEqualTo(ConfigChange.Response.REBUILD);
        assertThat(v6.differences()).containsExactly("EnableIPv6 false -> true");
    }
}
