package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class IpPrefixTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10.244.3.0/24, 10.244.3.0, 24, IPV4, 10.244.3.0/24",
        "0.0.0.0/0, 0.0.0.0, 0, IPV4, 0.0.0.0/0",
        "192.168.1.7/32, 192.168.1.7, 32, IPV4, 192.168.1.7/32",
        "fd00:12:13::/56, fd00:12:13::, 56, IPV6, fd00:12:13::/56",
        "FD00:0012:0013:0000::/56, fd00:12:13::, 56, IPV6, fd00:12:13::/56",
        "::/0, ::, 0, IPV6, ::/0",
        "2001:db8::1/128, 2001:db8::1, 128, IPV6, 2001:db8::1/128",
    })
    void parsesCanonicalAndNonCanonicalText(
            String text, String address, int length, IpFamily family, String canonical) {
        IpPrefix prefix = IpPrefix.parse(text);

        assertThat(prefix.address()).isEqualTo(IpAddress.parse(address));
        assertThat(prefix.length()).isEqualTo(length);
        assertThat(prefix.family()).isEqualTo(family);
        assertThat(prefix).hasToString(canonical);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.1.2.3/16         | \"10.1.2.3/16\" has host bits set; did you mean 10.1.0.0/16?",
                "10.0.0.1/0          | \"10.0.0.1/0\" has host bits set; did you mean 0.0.0.0/0?",
                "fd00:12:13::1/56    | \"fd00:12:13::1/56\" has host bits set; did you mean fd00:12:13::/56?",
                "10.0.0.0            | \"10.0.0.0\" is not a CIDR prefix; expected address/length such as",
                "10.0.0.0/           | \"10.0.0.0/\" has an invalid prefix length; allowed 0..32 for IPv4",
                "10.0.0.0/33         | \"10.0.0.0/33\" has an invalid prefix length; allowed 0..32 for IPv4",
                "10.0.0.0/-1         | \"10.0.0.0/-1\" has an invalid prefix length",
                "10.0.0.0/+8         | \"10.0.0.0/+8\" has an invalid prefix length",
                "10.0.0.0/08         | \"10.0.0.0/08\" has an invalid prefix length",
                "10.0.0.0/8/8        | is not a CIDR prefix: \"10.0.0.0/8\" is not an IPv4 or IPv6 address",
                "fd00::/129          | \"fd00::/129\" has an invalid prefix length; allowed 0..128 for IPv6",
                "10.0.0.300/8        | \"10.0.0.300/8\" is not a CIDR prefix: \"10.0.0.300\" is not an IPv4",
                "/8                  | \"/8\" is not a CIDR prefix: \"\" is not an IPv4 or IPv6 address",
            })
    void rejectsInvalidPrefixesWithAnActionableMessage(String text, String message) {
        assertThatThrownBy(() -> IpPrefix.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void ofAppliesTheSameChecks() {
        assertThat(IpPrefix.of(IpAddress.parse("10.244.0.0"), 16)).isEqualTo(IpPrefix.parse("10.244.0.0/16"));
        assertThatThrownBy(() -> IpPrefix.of(IpAddress.parse("10.1.2.3"), 16))
                .hasMessage("\"10.1.2.3/16\" has host bits set; did you mean 10.1.0.0/16?");
        assertThatThrownBy(() -> IpPrefix.of(IpAddress.parse("10.0.0.0"), 33))
                .hasMessageContaining("allowed 0..32 for IPv4");
        assertThatThrownBy(() -> IpPrefix.of(IpAddress.parse("::"), -1))
                .hasMessageContaining("allowed 0..128 for IPv6");
    }

    @ParameterizedTest(name = "{0}/{1} is in {2}")
    @CsvSource({
        "10.5.49.1, 24, 10.5.49.0/24",
        "10.5.49.1, 32, 10.5.49.1/32",
        "10.5.49.1, 0, 0.0.0.0/0",
        "192.168.77.130, 25, 192.168.77.128/25",
        "fd00:12:13::1, 64, fd00:12:13::/64",
        "fd00:12:13:ffff::1, 56, fd00:12:13:ff00::/56",
    })
    void containingClearsTheHostBits(String address, int length, String expected) {
        assertThat(IpPrefix.containing(IpAddress.parse(address), length)).isEqualTo(IpPrefix.parse(expected));
    }

    @Test
    void containingRejectsLengthsOutOfRange() {
        assertThatThrownBy(() -> IpPrefix.containing(IpAddress.parse("10.0.0.1"), 33))
                .hasMessageContaining("allowed 0..32 for IPv4");
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.244.0.0/16, 10.244.0.0, true",
        "10.244.0.0/16, 10.244.255.255, true",
        "10.244.0.0/16, 10.245.0.0, false",
        "10.244.0.0/16, 10.243.255.255, false",
        "0.0.0.0/0, 255.255.255.255, true",
        "0.0.0.0/0, ::, false",
        "::/0, 1.2.3.4, false",
        "::/0, ffff::, true",
        "fd00:12:13::/56, fd00:12:13:ff:ffff:ffff:ffff:ffff, true",
        "fd00:12:13::/56, fd00:12:13:100::, false",
        "fd00::/8, fe00::, false",
        "10.0.0.7/32, 10.0.0.7, true",
        "10.0.0.7/32, 10.0.0.8, false",
    })
    void containsAddress(String prefix, String address, boolean expected) {
        assertThat(IpPrefix.parse(prefix).contains(IpAddress.parse(address))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
        "10.0.0.0/8, 10.1.0.0/16, true, false, true",
        "10.0.0.0/8, 10.0.0.0/8, true, true, true",
        "10.0.0.0/16, 10.1.0.0/16, false, false, false",
        "10.0.0.0/15, 10.1.0.0/16, true, false, true",
        "10.1.0.0/16, 10.0.0.0/15, false, true, true",
        "0.0.0.0/0, ::/0, false, false, false",
        "fd00::/8, fd00:12::/32, true, false, true",
        "fd00:12::/32, fd00:13::/32, false, false, false",
    })
    void containsAndOverlapsPrefixes(String a, String b, boolean aContainsB, boolean bContainsA, boolean overlap) {
        IpPrefix first = IpPrefix.parse(a);
        IpPrefix second = IpPrefix.parse(b);

        assertThat(first.contains(second)).isEqualTo(aContainsB);
        assertThat(second.contains(first)).isEqualTo(bContainsA);
        assertThat(first.overlaps(second)).isEqualTo(overlap);
        assertThat(second.overlaps(first)).isEqualTo(overlap);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10.244.3.0/24, 10.244.3.1, 10.244.3.255",
        "10.5.49.0/24, 10.5.49.1, 10.5.49.255",
        "10.0.0.0/31, 10.0.0.1, 10.0.0.1",
        "0.0.0.0/0, 0.0.0.1, 255.255.255.255",
        "fd00::/64, fd00::1, fd00::ffff:ffff:ffff:ffff",
        "fd00:12:13::/56, fd00:12:13::1, fd00:12:13:ff:ffff:ffff:ffff:ffff",
    })
    void firstHostAndLastAddress(String prefix, String firstHost, String last) {
        IpPrefix parsed = IpPrefix.parse(prefix);

        assertThat(parsed.firstHost()).isEqualTo(IpAddress.parse(firstHost));
        assertThat(parsed.lastAddress()).isEqualTo(IpAddress.parse(last));
    }

    @Test
    void singleAddressPrefixHasNoFirstHost() {
        assertThatThrownBy(() -> IpPrefix.parse("255.255.255.255/32").firstHost())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> IpPrefix.parse("::1/128").firstHost()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ordersByFamilyThenAddressThenLength() {
        List<IpPrefix> expected = List.of(
                        "10.0.0.0/8", "10.0.0.0/16", "10.1.0.0/16", "192.168.0.0/16", "::/0", "fd00::/8", "fd00::/16")
                .stream()
                .map(IpPrefix::parse)
                .toList();
        List<IpPrefix> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(3));

        Collections.sort(shuffled);

        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void equalityUsesAddressAndLength() {
        assertThat(IpPrefix.parse("fd00::/8"))
                .isEqualTo(IpPrefix.parse("FD00:0::/8"))
                .hasSameHashCodeAs(IpPrefix.parse("fd00::0/8"));
        assertThat(IpPrefix.parse("10.0.0.0/8")).isNotEqualTo(IpPrefix.parse("10.0.0.0/9"));
    }
}
