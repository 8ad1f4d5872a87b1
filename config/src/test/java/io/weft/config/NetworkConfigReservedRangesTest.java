package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A network that covers the default route, loopback, multicast or link-local addresses would let
 * every node route those through peers: refused, naming the field and the range it overlaps.
 */
@Timeout(10)
class NetworkConfigReservedRangesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0.0.0.0/0  | 0.0.0.0/8 (this host, the default route)",
                "0.0.0.0/1  | 0.0.0.0/8 (this host, the default route)",
                "127.0.0.0/16 | 127.0.0.0/8 (loopback)",
                "120.0.0.0/5 | 127.0.0.0/8 (loopback)",
                "169.254.0.0/16 | 169.254.0.0/16 (link-local)",
                "224.0.0.0/8 | 224.0.0.0/4 (multicast)",
                "192.0.0.0/2 | 224.0.0.0/4 (multicast)",
            })
    void ipv4NetworksOverlappingAReservedRangeAreRefused(String network, String range) {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> NetworkConfig.parse(
                        "{\"Network\":\"" + network.strip() + "\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}"));

        assertThat(e).as(network).isNotNull();
        assertThat(e.problems())
                .extracting(ConfigProblem::toString)
                .contains("Network: " + network.strip()
                        + " overlaps " + range.strip() + "; a pod network must be clear of 0.0.0.0/8, 127.0.0.0/8,"
                        + " 169.254.0.0/16 and 224.0.0.0/4, e.g. 10.244.0.0/16");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "::/56 | ::/128 (unspecified, the default route)",
                "::/120 | ::/128 (unspecified, the default route)",
                "fe80::/56 | fe80::/10 (link-local)",
                "ff02::/56 | ff00::/8 (multicast)",
            })
    void ipv6NetworksOverlappingAReservedRangeAreRefused(String network, String range) {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> NetworkConfig.parse("{\"Network\":\"10.3.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":\""
                        + network.strip() + "\",\"IPv6SubnetLen\":124,\"Backend\":{\"Type\":\"vxlan\"}}"));

        assertThat(e).as(network).isNotNull();
        assertThat(e.problems())
                .extracting(ConfigProblem::toString)
                .contains("IPv6Network: " + network.strip()
                        + " overlaps " + range.strip() + "; a pod network must be clear of ::/128, ::1/128,"
                        + " fe80::/10 and ff00::/8, e.g. fd00:10:244::/56");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.244.0.0/16", "1.0.0.0/8", "170.0.0.0/7", "172.16.0.0/12", "100.64.0.0/10"})
    void ordinaryIpv4NetworksAreAccepted(String network) throws ConfigException {
        assertThat(NetworkConfig.parse("{\"Network\":\"" + network + "\",\"Backend\":{\"Type\":\"vxlan\"}}")
                        .network())
                .isEqualTo(IpPrefix.parse(network));
    }
}
