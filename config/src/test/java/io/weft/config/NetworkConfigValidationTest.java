package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rejection rule for the document, EnableIPv4/6 and both families' subnet fields. */
@Timeout(10)
class NetworkConfigValidationTest {

    private static List<String> problems(String json) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> NetworkConfig.parse(json));
        assertThat(e).as("expected %s to be rejected", json).isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    /** A config that is valid except for the fields given (which may override Network). */
    private static String ipv4With(String fields) {
        return "{\"Network\":\"10.3.0.0/16\"," + fields + ",\"Backend\":{\"Type\":\"vxlan\"}}";
    }

    private static String ipv6With(String fields) {
        return "{\"Network\":\"10.3.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":\"fd00:10:244::/56\"," + fields
                + ",\"Backend\":{\"Type\":\"vxlan\"}}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "`\"Network\":\"10.0.0.0/16\",\"SubnetLen\":31`"
                        + "| SubnetLen: 31 is out of range; allowed 18..30 for Network 10.0.0.0/16",
                "`\"Network\":\"10.0.0.0/16\",\"SubnetLen\":17`"
                        + "| SubnetLen: 17 is out of range; allowed 18..30 for Network 10.0.0.0/16",
                "`\"Network\":\"10.0.0.0/16\",\"SubnetLen\":-1`"
                        + "| SubnetLen: -1 is out of range; allowed 18..30 for Network 10.0.0.0/16",
                "`\"Network\":\"10.0.0.0/29\"`"
                        + "| Network: 10.0.0.0/29 is too small to split into subnets; its prefix length must be"
                        + " at most 28",
                "`\"Network\":\"10.0.0.0/29\",\"SubnetLen\":30`"
                        + "| SubnetLen: 30 cannot be used: Network 10.0.0.0/29 is too small to split into subnets;"
                        + " its prefix length must be at most 28",
                "`\"Network\":\"10.1.2.3/16\"`"
                        + "| Network: \"10.1.2.3/16\" has host bits set; did you mean 10.1.0.0/16?",
                "`\"Network\":\"10.0.0.0\"`"
                        + "| Network: \"10.0.0.0\" is not a CIDR prefix; expected address/length such as"
                        + " 10.244.0.0/16 or fd00::/8",
                "`\"Network\":\"fd00::/8\"`"
                        + "| Network: fd00::/8 is an IPv6 prefix; Network must be IPv4 (IPv6 networks go in"
                        + " IPv6Network)",
                "`\"Network\":10`| Network: expected a string, got number 10",
                "`\"SubnetLen\":\"24\"`| SubnetLen: expected an integer, got string \"24\"",
                "`\"SubnetLen\":24.5`| SubnetLen: expected an integer, got number 24.5",
                "`\"SubnetLen\":2e1`| SubnetLen: expected an integer, got number 2E+1",
                "`\"SubnetLen\":99999999999999999999`"
                        + "| SubnetLen: expected an integer, got number 99999999999999999999 (too large)",
                "`\"SubnetLen\":true`| SubnetLen: expected an integer, got true",
                "`\"SubnetMin\":\"10.4.0.0\"`| SubnetMin: 10.4.0.0 is outside Network 10.3.0.0/16",
                "`\"SubnetMax\":\"10.2.255.0\"`| SubnetMax: 10.2.255.0 is outside Network 10.3.0.0/16",
                "`\"SubnetMax\":\"10.3.9.7\"`"
                        + "| SubnetMax: 10.3.9.7 is not aligned to SubnetLen 24; did you mean 10.3.9.0?",
                "`\"SubnetLen\":20,\"SubnetMin\":\"10.3.8.0\"`"
                        + "| SubnetMin: 10.3.8.0 is not aligned to SubnetLen 20; did you mean 10.3.0.0?",
                "`\"SubnetMin\":\"10.3.9.0\",\"SubnetMax\":\"10.3.2.0\"`"
                        + "| SubnetMin: 10.3.9.0 is after SubnetMax 10.3.2.0",
                "`\"SubnetMin\":\"fd00::\"`"
                        + "| SubnetMin: fd00:: is an IPv6 address; SubnetMin must be IPv4 like Network",
                "`\"SubnetMin\":\"10.3.1.0/24\"`"
                        + "| SubnetMin: \"10.3.1.0/24\" is not an IPv4 or IPv6 address; write the subnet's first"
                        + " address, e.g. 10.244.1.0",
                "`\"SubnetMax\":\"10.3.1.300\"`| SubnetMax: \"10.3.1.300\" is not an IPv4 or IPv6 address",
                "`\"SubnetMax\":[]`| SubnetMax: expected a string, got an array",
                "`\"EnableIPv4\":\"yes\"`| EnableIPv4: expected true or false, got string \"yes\"",
                "`\"EnableIPv6\":1`| EnableIPv6: expected true or false, got number 1",
            })
    void rejectsIpv4Problems(String fields, String expected) {
        assertThat(problems(ipv4With(fields))).containsExactly(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "`\"IPv6SubnetLen\":127`"
                        + "| IPv6SubnetLen: 127 is out of range; allowed 58..126 for IPv6Network fd00:10:244::/56",
                "`\"IPv6SubnetLen\":57`"
                        + "| IPv6SubnetLen: 57 is out of range; allowed 58..126 for IPv6Network fd00:10:244::/56",
                "`\"IPv6Network\":\"fd00::/125\"`"
                        + "| IPv6Network: fd00::/125 is too small to split into subnets; its prefix length must be"
                        + " at most 124",
                "`\"IPv6Network\":\"fd00::/125\",\"IPv6SubnetLen\":126`"
                        + "| IPv6SubnetLen: 126 cannot be used: IPv6Network fd00::/125 is too small to split into"
                        + " subnets; its prefix length must be at most 124",
                "`\"IPv6Network\":\"10.0.0.0/8\"`"
                        + "| IPv6Network: 10.0.0.0/8 is an IPv4 prefix; IPv6Network must be IPv6 (IPv4 networks"
                        + " go in Network)",
                "`\"IPv6Network\":\"fd00::1/64\"`"
                        + "| IPv6Network: \"fd00::1/64\" has host bits set; did you mean fd00::/64?",
                "`\"IPv6SubnetMin\":\"fd00:10:245::\"`"
                        + "| IPv6SubnetMin: fd00:10:245:: is outside IPv6Network fd00:10:244::/56",
                "`\"IPv6SubnetMax\":\"fd00:10:244:7::1\"`"
                        + "| IPv6SubnetMax: fd00:10:244:7::1 is not aligned to IPv6SubnetLen 64; did you mean"
                        + " fd00:10:244:7::?",
                "`\"IPv6SubnetMin\":\"fd00:10:244:9::\",\"IPv6SubnetMax\":\"fd00:10:244:2::\"`"
                        + "| IPv6SubnetMin: fd00:10:244:9:: is after IPv6SubnetMax fd00:10:244:2::",
                "`\"IPv6SubnetMin\":\"10.3.1.0\"`"
                        + "| IPv6SubnetMin: 10.3.1.0 is an IPv4 address; IPv6SubnetMin must be IPv6 like"
                        + " IPv6Network",
                "`\"IPv6SubnetLen\":\"64\"`| IPv6SubnetLen: expected an integer, got string \"64\"",
            })
    void rejectsIpv6Problems(String fields, String expected) {
        assertThat(problems(ipv6With(fields))).containsExactly(expected);
    }

    @Test
    void networkIsRequiredWhenIpv4IsEnabled() {
        assertThat(problems("{\"Backend\":{\"Type\":\"vxlan\"}}"))
                .containsExactly("Network: missing; required when EnableIPv4 is true, e.g. 10.244.0.0/16");
        assertThat(problems("{\"Network\":null,\"Backend\":{\"Type\":\"vxlan\"}}"))
                .containsExactly("Network: missing; required when EnableIPv4 is true, e.g. 10.244.0.0/16");
    }

    @Test
    void ipv6NetworkIsRequiredWhenIpv6IsEnabled() {
        assertThat(problems("{\"EnableIPv4\":false,\"EnableIPv6\":true,\"Backend\":{\"Type\":\"vxlan\"}}"))
                .containsExactly("IPv6Network: missing; required when EnableIPv6 is true, e.g. fd00:10:244::/56");
    }

    @Test
    void atLeastOneFamilyMustBeEnabled() {
        assertThat(problems("{\"EnableIPv4\":false,\"Backend\":{\"Type\":\"vxlan\"}}"))
                .containsExactly("EnableIPv4: at least one of EnableIPv4 and EnableIPv6 must be true");
    }

    @Test
    void fieldsOfADisabledFamilyMustStillBeWellFormedBecauseFlannelDecodesThem() {
        assertThat(problems("{\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPv6Network\":\"fd00::/56\","
                        + "\"Network\":\"10.0.0.0\",\"SubnetLen\":\"x\",\"SubnetMin\":\"fd00::\","
                        + "\"Backend\":{\"Type\":\"vxlan\"}}"))
                .containsExactly(
                        "Network: \"10.0.0.0\" is not a CIDR prefix; expected address/length such as"
                                + " 10.244.0.0/16 or fd00::/8",
                        "SubnetLen: expected an integer, got string \"x\"",
                        "SubnetMin: fd00:: is an IPv6 address; SubnetMin must be IPv4 like Network");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "\n"})
    void rejectsAnEmptyDocument(String json) {
        assertThat(problems(json))
                .singleElement()
                .asString()
                .startsWith("the network config is empty; expected a JSON object such as {\"Network\"");
    }

    @Test
    void rejectsInvalidJsonWithTheOffset() {
        assertThat(problems("{\"Network\":\"10.3.0.0/16\",}"))
                .containsExactly(
                        "the network config is not valid JSON: at offset 25: expected a string key but found '}'");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[]            | an array",
                "\"10.0.0.0/8\" | string \"10.0.0.0/8\"",
                "42            | number 42",
                "null          | null",
            })
    void rejectsADocumentThatIsNotAnObject(String json, String described) {
        assertThat(problems(json))
                .singleElement()
                .asString()
                .startsWith("the network config must be a JSON object such as {")
                .endsWith(", not " + described);
    }

    @Test
    void reportsEveryProblemAtOnceInFieldOrder() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> NetworkConfig.parse(
                        "{\"Network\":\"10.0.0.0/16\",\"SubnetLen\":31,\"Backend\":{\"Type\":\"udp\"}}"));

        assertThat(e.getMessage())
                .isEqualTo("SubnetLen: 31 is out of range; allowed 18..30 for"
                        + " Network 10.0.0.0/16; Backend.Type: \"udp\" is not supported; allowed: vxlan, host-gw");
        assertThat(e.problems())
                .containsExactly(
                        new ConfigProblem("SubnetLen", "31 is out of range; allowed 18..30 for Network 10.0.0.0/16"),
                        new ConfigProblem("Backend.Type", "\"udp\" is not supported; allowed: vxlan, host-gw"));
    }

    @Test
    void collectsProblemsAcrossBothFamiliesAndTheBackend() {
        assertThat(problems("{\"EnableIPv4\":true,\"EnableIPv6\":true,\"Network\":\"10.3.0.0/16\","
                        + "\"SubnetMin\":\"10.4.0.0\",\"SubnetMax\":\"10.3.0.5\",\"IPv6Network\":\"fd00::/56\","
                        + "\"IPv6SubnetLen\":200,\"Backend\":{\"Type\":\"vxlan\",\"VNI\":-5,\"MTU\":1000}}"))
                .containsExactly(
                        "SubnetMin: 10.4.0.0 is outside Network 10.3.0.0/16",
                        "SubnetMax: 10.3.0.5 is not aligned to SubnetLen 24; did you mean 10.3.0.0?",
                        "IPv6SubnetLen: 200 is out of range; allowed 58..126 for IPv6Network fd00::/56",
                        "Backend.VNI: -5 is out of range; allowed 0..16777215",
                        "Backend.MTU: 1000 is out of range; allowed 0 (use the underlay MTU) or 1280..65535"
                                + " when EnableIPv6 is true");
    }

    @Test
    void aBadNetworkDoesNotHideTypeErrorsInTheOtherFields() {
        assertThat(problems("{\"Network\":\"10.3.0.0\",\"SubnetLen\":\"24\","
                        + "\"SubnetMin\":\"10.3.1.300\",\"Backend\":{\"Type\":\"vxlan\"}}"))
                .containsExactly(
                        "Network: \"10.3.0.0\" is not a CIDR prefix; expected address/length such as"
                                + " 10.244.0.0/16 or fd00::/8",
                        "SubnetLen: expected an integer, got string \"24\"",
                        "SubnetMin: \"10.3.1.300\" is not an IPv4 or IPv6 address");
    }

    @Test
    void problemFieldsUseFlannelCapitalisationWhateverTheInputCase() {
        assertThat(problems("{\"network\":\"10.3.0.0/16\",\"subnetlen\":40,"
                        + "\"backend\":{\"type\":\"vxlan\",\"vni\":\"x\"}}"))
                .containsExactly(
                        "SubnetLen: 40 is out of range; allowed 18..30 for Network 10.3.0.0/16",
                        "Backend.VNI: expected an integer, got string \"x\"");
    }

    @Test
    void exceptionKeepsAnImmutableCopyAndNeedsAReason() {
        List<ConfigProblem> list = new java.util.ArrayList<>(List.of(new ConfigProblem("", "bad")));
        ConfigException e = new ConfigException(list);
        list.clear();

        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).isEqualTo("bad");
        assertThatThrownBy(() -> e.problems().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new ConfigException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordRejectsSpacesThatDisagreeWithTheEnableFlags() {
        SubnetSpace v4 = new SubnetSpace(
                IpPrefix.parse("10.0.0.0/16"), 24, IpPrefix.parse("10.0.1.0/24"), IpPrefix.parse("10.0.255.0/24"));
        BackendConfig backend = BackendConfig.hostGw();

        assertThatThrownBy(() -> new NetworkConfig(true, false, Optional.empty(), Optional.empty(), backend, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkConfig(false, false, Optional.empty(), Optional.empty(), backend, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkConfig(false, true, Optional.empty(), Optional.of(v4), backend, "{}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new NetworkConfig(true, false, Optional.of(v4), Optional.empty(), backend, "{}").network())
                .isEqualTo(IpPrefix.parse("10.0.0.0/16"));
    }
}
