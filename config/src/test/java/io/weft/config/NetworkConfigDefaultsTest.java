package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** flannel's defaults, applied when a field is absent (or null, or a zero SubnetLen). */
@Timeout(10)
class NetworkConfigDefaultsTest {

    private static final String VXLAN = "\"Backend\":{\"Type\":\"vxlan\"}";

    @Test
    void minimalIpv4ConfigGetsEveryDefault() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"Network\":\"10.3.0.0/16\"," + VXLAN + "}");

        assertThat(config.enableIPv4()).isTrue();
        assertThat(config.enableIPv6()).isFalse();
        assertThat(config.network()).isEqualTo(IpPrefix.parse("10.3.0.0/16"));
        assertThat(config.subnetLen()).isEqualTo(24);
        assertThat(config.subnetMin()).isEqualTo(IpAddress.parse("10.3.1.0"));
        assertThat(config.subnetMax()).isEqualTo(IpAddress.parse("10.3.255.0"));
        assertThat(config.ipv4()).get().extracting(SubnetSpace::size).isEqualTo(255L);
        assertThat(config.ipv6()).isEmpty();
        assertThat(config.ipv6Network()).isNull();
        assertThat(config.ipv6SubnetLen()).isZero();
        assertThat(config.ipv6SubnetMin()).isNull();
        assertThat(config.ipv6SubnetMax()).isNull();
        assertThat(config.backend()).isEqualTo(BackendConfig.vxlanDefaults());
    }

    @ParameterizedTest(name = "Network {0} -> /{1} {2}..{3}")
    @CsvSource({
        "32.0.0.0/3, 24, 32.0.1.0, 63.255.255.0",
        "10.0.0.0/8, 24, 10.0.1.0, 10.255.255.0",
        "10.3.0.0/16, 24, 10.3.1.0, 10.3.255.0",
        "10.0.0.0/22, 24, 10.0.1.0, 10.0.3.0",
        "10.0.0.0/23, 25, 10.0.0.128, 10.0.1.128",
        "10.0.0.0/24, 26, 10.0.0.64, 10.0.0.192",
        "10.0.0.0/28, 30, 10.0.0.4, 10.0.0.12",
    })
    void ipv4SubnetLenMinAndMaxDefaults(String network, int subnetLen, String min, String max) throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"Network\":\"" + network + "\"," + VXLAN + "}");

        assertThat(config.subnetLen()).isEqualTo(subnetLen);
        assertThat(config.subnetMin()).isEqualTo(IpAddress.parse(min));
        assertThat(config.subnetMax()).isEqualTo(IpAddress.parse(max));
    }

    @ParameterizedTest(name = "IPv6Network {0} -> /{1} {2}..{3}")
    @CsvSource({
        "2000::/3, 64, 2000:0:0:1::, 3fff:ffff:ffff:ffff::",
        "fd00::/8, 64, fd00:0:0:1::, fdff:ffff:ffff:ffff::",
        "fd00:10:244::/56, 64, fd00:10:244:1::, fd00:10:244:ff::",
        "fd00::/62, 64, fd00:0:0:1::, fd00:0:0:3::",
        "fd00::/63, 65, fd00::8000:0:0:0, fd00:0:0:1:8000::",
        "fd00::/124, 126, fd00::4, fd00::c",
    })
    void ipv6SubnetLenMinAndMaxDefaults(String network, int subnetLen, String min, String max) throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"EnableIPv6\":true,\"Network\":\"10.0.0.0/16\","
                + "\"IPv6Network\":\"" + network + "\"," + VXLAN + "}");

        assertThat(config.ipv6Network()).isEqualTo(IpPrefix.parse(network));
        assertThat(config.ipv6SubnetLen()).isEqualTo(subnetLen);
        assertThat(config.ipv6SubnetMin()).isEqualTo(IpAddress.parse(min));
        assertThat(config.ipv6SubnetMax()).isEqualTo(IpAddress.parse(max));
        assertThat(config.ipv6()).get().extracting(SubnetSpace::family).isEqualTo(IpFamily.IPV6);
    }

    @Test
    void explicitValuesReplaceTheDefaults() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"Network\":\"10.3.0.0/16\",\"SubnetLen\":20,"
                + "\"SubnetMin\":\"10.3.0.0\",\"SubnetMax\":\"10.3.32.0\"," + VXLAN + "}");

        assertThat(config.subnetLen()).isEqualTo(20);
        assertThat(config.subnetMin()).isEqualTo(IpAddress.parse("10.3.0.0"));
        assertThat(config.subnetMax()).isEqualTo(IpAddress.parse("10.3.32.0"));
        assertThat(config.ipv4().orElseThrow().size()).isEqualTo(3);
    }

    @Test
    void zeroSubnetLenAndNullFieldsMeanNotSetAsInFlannel() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"Network\":\"10.3.0.0/16\",\"SubnetLen\":0,"
                + "\"SubnetMin\":null,\"SubnetMax\":null,\"EnableIPv6\":null,\"EnableIPv4\":null,"
                + VXLAN + "}");

        assertThat(config.enableIPv4()).isTrue();
        assertThat(config.enableIPv6()).isFalse();
        assertThat(config.subnetLen()).isEqualTo(24);
        assertThat(config.subnetMin()).isEqualTo(IpAddress.parse("10.3.1.0"));
    }

    @Test
    void dualStackHasBothSpaces() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,"
                + "\"IPv6Network\":\"fd00:12:13::/48\",\"IPv6SubnetLen\":56," + VXLAN + "}");

        assertThat(config.ipv4()).isPresent();
        assertThat(config.ipv6().orElseThrow().subnetAt(0)).isEqualTo(IpPrefix.parse("fd00:12:13:100::/56"));
        assertThat(config.ipv6().orElseThrow().size()).isEqualTo(255);
    }

    @Test
    void ipv6OnlyHasNoIpv4FieldsEvenWhenNetworkIsGiven() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"EnableIPv4\":false,\"EnableIPv6\":true,"
                + "\"Network\":\"10.0.0.0/16\",\"SubnetLen\":31,\"IPv6Network\":\"fd00::/56\"," + VXLAN
                + "}");

        assertThat(config.enableIPv4()).isFalse();
        assertThat(config.ipv4()).isEmpty();
        assertThat(config.network()).isNull();
        assertThat(config.subnetLen()).isZero();
        assertThat(config.subnetMin()).isNull();
        assertThat(config.subnetMax()).isNull();
        assertThat(config.ipv6Network()).isEqualTo(IpPrefix.parse("fd00::/56"));
    }

    @Test
    void fieldNamesMatchIgnoringCase() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"network\":\"10.3.0.0/16\",\"SUBNETLEN\":20,"
                + "\"subnetmin\":\"10.3.16.0\",\"enableipv6\":true,\"ipv6network\":\"fd00::/56\","
                + "\"Ipv6SubnetLen\":60,"
                + "\"backend\":{\"type\":\"vxlan\",\"vni\":7,\"directrouting\":true}}");

        assertThat(config.subnetLen()).isEqualTo(20);
        assertThat(config.subnetMin()).isEqualTo(IpAddress.parse("10.3.16.0"));
        assertThat(config.enableIPv6()).isTrue();
        assertThat(config.ipv6SubnetLen()).isEqualTo(60);
        assertThat(config.backend().vni()).isEqualTo(7);
        assertThat(config.backend().directRouting()).isTrue();
    }

    @Test
    void theLastOfSeveralCaseVariantsWinsLikeGo() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse("{\"Network\":\"10.1.0.0/16\","
                + "\"network\":\"10.2.0.0/16\",\"Network\":\"10.3.0.0/16\"," + VXLAN + "}");

        assertThat(config.network()).isEqualTo(IpPrefix.parse("10.3.0.0/16"));
    }

    @Test
    void unknownFieldsAreIgnored() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse(
                "{\"Network\":\"10.3.0.0/16\"," + "\"EnableNFTables\":true,\"Extra\":[1,{\"x\":null}]," + VXLAN + "}");

        assertThat(config.network()).isEqualTo(IpPrefix.parse("10.3.0.0/16"));
    }

    @Test
    void keepsTheOriginalTextVerbatim() throws ConfigException {
        String json = "{\n  \"network\" : \"10.3.0.0/16\",\n  \"Backend\": {\"Type\": \"host-gw\"}\n}\n";

        NetworkConfig config = NetworkConfig.parse(json);

        assertThat(config.json()).isSameAs(json);
        assertThat(config.backend()).isEqualTo(BackendConfig.hostGw());
    }
}
