package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Backend section: supported types, VXLAN defaults, ranges and JSON types. */
@Timeout(10)
class BackendConfigTest {

    private static final String NO_UDP =
            "flannel would default to \"udp\", which weft does not" + " support; allowed: vxlan, host-gw";

    private static String withBackend(String backend) {
        return "{\"Network\":\"10.3.0.0/16\",\"Backend\":" + backend + "}";
    }

    private static String dualStackWithBackend(String backend) {
        return "{\"Network\":\"10.3.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":\"fd00::/56\"," + "\"Backend\":"
                + backend + "}";
    }

    private static BackendConfig backend(String json) throws ConfigException {
        return NetworkConfig.parse(json).backend();
    }

    private static List<String> problems(String json) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> NetworkConfig.parse(json));
        assertThat(e).as("expected %s to be rejected", json).isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void vxlanDefaultsMatchFlannel() throws ConfigException {
        BackendConfig vxlan = backend(withBackend("{\"Type\":\"vxlan\"}"));

        assertThat(vxlan.type()).isEqualTo("vxlan");
        assertThat(vxlan.vni()).isEqualTo(1);
        assertThat(vxlan.port()).isZero();
        assertThat(vxlan.effectivePort()).isEqualTo(8472);
        assertThat(vxlan.gbp()).isFalse();
        assertThat(vxlan.learning()).isFalse();
        assertThat(vxlan.directRouting()).isFalse();
        assertThat(vxlan.mtu()).isZero();
        assertThat(vxlan).isEqualTo(BackendConfig.vxlanDefaults());
    }

    @Test
    void vxlanReadsEveryField() throws ConfigException {
        BackendConfig vxlan = backend(withBackend("{\"Type\":\"vxlan\",\"VNI\":4096,\"Port\":4789,"
                + "\"GBP\":true,\"Learning\":true,\"DirectRouting\":true,\"MTU\":1400}"));

        assertThat(vxlan).isEqualTo(new BackendConfig("vxlan", 4096, 4789, true, true, true, 1400));
        assertThat(vxlan.effectivePort()).isEqualTo(4789);
    }

    @Test
    void hostGwHasNoSettingsAndIgnoresOtherFields() throws ConfigException {
        BackendConfig hostGw = backend(withBackend("{\"Type\":\"host-gw\",\"VNI\":\"ignored\"," + "\"MTU\":1}"));

        assertThat(hostGw).isEqualTo(BackendConfig.hostGw());
        assertThat(hostGw.type()).isEqualTo("host-gw");
    }

    @Test
    void missingBackendIsAProblemBecauseFlannelWouldPickUdp() {
        assertThat(problems("{\"Network\":\"10.3.0.0/16\"}")).containsExactly("Backend: missing; " + NO_UDP);
        assertThat(problems(withBackend("null"))).containsExactly("Backend: missing; " + NO_UDP);
        assertThat(problems(withBackend("{}"))).containsExactly("Backend.Type: missing; " + NO_UDP);
        assertThat(problems(withBackend("{\"VNI\":1}"))).containsExactly("Backend.Type: missing; " + NO_UDP);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "`{\"Type\":\"udp\"}`| Backend.Type: \"udp\" is not supported; allowed: vxlan, host-gw",
                "`{\"Type\":\"ipip\"}`| Backend.Type: \"ipip\" is not supported; allowed: vxlan, host-gw",
                "`{\"Type\":\"\"}`| Backend.Type: \"\" is not supported; allowed: vxlan, host-gw",
                "`{\"Type\":\"VXLAN\"}`"
                        + "| Backend.Type: \"VXLAN\" is not supported; allowed: vxlan, host-gw (written in"
                        + " lowercase)",
                "`{\"Type\":\"Host-GW\"}`"
                        + "| Backend.Type: \"Host-GW\" is not supported; allowed: vxlan, host-gw (written in"
                        + " lowercase)",
                "`{\"Type\":7}`| Backend.Type: expected a string, got number 7",
                "`\"vxlan\"`| Backend: expected an object, got string \"vxlan\"",
                "`[]`| Backend: expected an object, got an array",
            })
    void rejectsUnsupportedTypesAndShapes(String backend, String expected) {
        assertThat(problems(withBackend(backend))).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "VNI, 0",
        "VNI, 1",
        "VNI, 16777215",
        "Port, 0",
        "Port, 1",
        "Port, 65535",
        "MTU, 0",
        "MTU, 68",
        "MTU, 1500",
        "MTU, 65535",
    })
    void acceptsBoundaryValuesForIpv4(String field, int value) throws ConfigException {
        BackendConfig vxlan = backend(withBackend("{\"Type\":\"vxlan\",\"" + field + "\":" + value + "}"));

        int actual = switch (field) {
            case "VNI" -> vxlan.vni();
            case "Port" -> vxlan.port();
            default -> vxlan.mtu();
        };
        assertThat(actual).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"VNI\":-1       | Backend.VNI: -1 is out of range; allowed 0..16777215",
                "\"VNI\":16777216 | Backend.VNI: 16777216 is out of range; allowed 0..16777215",
                "\"Port\":-1      | Backend.Port: -1 is out of range; allowed 0 (kernel default 8472) or" + " 1..65535",
                "\"Port\":65536   | Backend.Port: 65536 is out of range; allowed 0 (kernel default 8472) or"
                        + " 1..65535",
                "\"MTU\":67       | Backend.MTU: 67 is out of range; allowed 0 (use the underlay MTU) or"
                        + " 68..65535",
                "\"MTU\":-1       | Backend.MTU: -1 is out of range; allowed 0 (use the underlay MTU) or"
                        + " 68..65535",
                "\"MTU\":65536    | Backend.MTU: 65536 is out of range; allowed 0 (use the underlay MTU) or"
                        + " 68..65535",
                "\"VNI\":\"x\"    | Backend.VNI: expected an integer, got string \"x\"",
                "\"Port\":1.5     | Backend.Port: expected an integer, got number 1.5",
                "\"GBP\":\"true\" | Backend.GBP: expected true or false, got string \"true\"",
                "\"Learning\":1   | Backend.Learning: expected true or false, got number 1",
                "\"DirectRouting\":{} | Backend.DirectRouting: expected true or false, got an object",
                "\"MTU\":\"1500\" | Backend.MTU: expected an integer, got string \"1500\"",
            })
    void rejectsOutOfRangeAndWronglyTypedVxlanFields(String field, String expected) {
        assertThat(problems(withBackend("{\"Type\":\"vxlan\"," + field + "}"))).containsExactly(expected);
    }

    @ParameterizedTest(name = "MTU {0} with IPv6")
    @CsvSource({"0, true", "1280, true", "9000, true", "1279, false", "68, false"})
    void mtuMustCarryIpv6WhenIpv6IsEnabled(int mtu, boolean accepted) throws ConfigException {
        String json = dualStackWithBackend("{\"Type\":\"vxlan\",\"MTU\":" + mtu + "}");

        if (accepted) {
            assertThat(backend(json).mtu()).isEqualTo(mtu);
        } else {
            assertThat(problems(json))
                    .containsExactly("Backend.MTU: " + mtu + " is out of range;"
                            + " allowed 0 (use the underlay MTU) or 1280..65535 when EnableIPv6 is true");
        }
    }

    @Test
    void nullVxlanFieldsKeepTheirDefaults() throws ConfigException {
        assertThat(backend(withBackend("{\"Type\":\"vxlan\",\"VNI\":null,\"DirectRouting\":null}")))
                .isEqualTo(BackendConfig.vxlanDefaults());
    }

    @Test
    void reportsEveryVxlanProblemTogether() {
        assertThat(problems(
                        withBackend("{\"Type\":\"vxlan\",\"VNI\":99999999,\"Port\":\"8472\",\"GBP\":0,\"MTU\":20}")))
                .containsExactly(
                        "Backend.VNI: 99999999 is out of range; allowed 0..16777215",
                        "Backend.Port: expected an integer, got string \"8472\"",
                        "Backend.GBP: expected true or false, got number 0",
                        "Backend.MTU: 20 is out of range; allowed 0 (use the underlay MTU) or 68..65535");
    }
}
