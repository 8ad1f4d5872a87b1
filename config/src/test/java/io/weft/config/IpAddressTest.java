package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class IpAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0.0.0.0, 0.0.0.0, IPV4",
        "10.244.3.1, 10.244.3.1, IPV4",
        "255.255.255.255, 255.255.255.255, IPV4",
        "::, ::, IPV6",
        "::1, ::1, IPV6",
        "1::, 1::, IPV6",
        "fd00:12:13::, fd00:12:13::, IPV6",
        "FD00:0012:0013:0000:0000:0000:0000:0000, fd00:12:13::, IPV6",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1, IPV6",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1, IPV6",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1, IPV6",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0, IPV6",
        "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8, IPV6",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3, IPV6",
        "0:0:1:0:0:1:0:0, ::1:0:0:1:0:0, IPV6",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, IPV6",
        "::ffff:1.2.3.4, ::ffff:1.2.3.4, IPV6",
        "::FFFF:c000:0201, ::ffff:192.0.2.1, IPV6",
        "::1.2.3.4, ::102:304, IPV6",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221, IPV6",
        "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304, IPV6",
    })
    void parsesAndPrintsCanonically(String text, String canonical, IpFamily family) {
        IpAddress address = IpAddress.parse(text);

        assertThat(address.family()).isEqualTo(family);
        assertThat(address).hasToString(canonical);
        assertThat(IpAddress.parse(canonical)).isEqualTo(address);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(
            strings = {
                "",
                " ",
                "10.0.0.300",
                "10.0.0",
                "10.0.0.0.0",
                "10.0.0.",
                ".10.0.0.0",
                "10..0.0",
                "010.0.0.1",
                "10.0.0.01",
                "1.2.3.4 ",
                " 1.2.3.4",
                "1.2.3.-4",
                "+1.2.3.4",
                "0x0a.0.0.1",
                "1.2.3.4/32",
                "١.٢.٣.٤",
                "localhost",
                "example.com",
                "10.0.0.1a",
                ":",
                ":::",
                "1:::2",
                "1::2::3",
                ":1::2",
                "1::2:",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:8::",
                "::1:2:3:4:5:6:7:8",
                "12345::",
                "g::",
                "fe80::1%eth0",
                "[::1]",
                "::ffff:1.2.3",
                "::ffff:1.2.3.256",
                "1.2.3.4::",
                "1.2.3.4:1::",
                "::1.2.3.4:5",
                "1:2:3:4:5:6:7:1.2.3.4",
                "::ffff:01.2.3.4",
                "fd00::/8"
            })
    void rejectsAnythingThatIsNotAnAddressLiteral(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is not an IPv4 or IPv6 address");
    }

    @Test
    void convertsToAndFromNetworkOrderBytes() {
        IpAddress v4 = IpAddress.parse("192.168.64.3");
        IpAddress v6 = IpAddress.parse("2001:db8::ff00:42:8329");

        assertThat(v4.toBytes()).containsExactly(192, 168, 64, 3);
        assertThat(HexFormat.of().formatHex(v6.toBytes())).isEqualTo("20010db8000000000000ff0000428329");
        assertThat(IpAddress.fromBytes(v4.toBytes())).isEqualTo(v4);
        assertThat(IpAddress.fromBytes(v6.toBytes())).isEqualTo(v6);
        assertThat(IpAddress.fromBytes(new byte[16]).family()).isEqualTo(IpFamily.IPV6);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 8, 15, 17})
    void fromBytesRejectsOtherLengths(int length) {
        assertThatThrownBy(() -> IpAddress.fromBytes(new byte[length]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not " + length);
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({
        "10.0.0.0, 1, 10.0.0.1",
        "10.0.0.255, 1, 10.0.1.0",
        "10.0.1.0, -1, 10.0.0.255",
        "0.0.0.0, 4294967295, 255.255.255.255",
        "255.255.255.255, -4294967295, 0.0.0.0",
        "fd00::, 1, fd00::1",
        "::ffff:ffff:ffff:ffff, 1, 0:0:0:1::",
        "0:0:0:1::, -1, ::ffff:ffff:ffff:ffff",
        "::, 9223372036854775807, ::7fff:ffff:ffff:ffff",
        "::1:0:0:0:0, -9223372036854775808, ::8000:0:0:0",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe, 1, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void plusAddsAcrossWordBoundaries(String start, long n, String expected) {
        assertThat(IpAddress.parse(start).plus(n)).isEqualTo(IpAddress.parse(expected));
    }

    @ParameterizedTest(name = "{0} + {1} overflows")
    @CsvSource({
        "255.255.255.255, 1",
        "0.0.0.0, -1",
        "10.0.0.0, 9223372036854775807",
        "10.0.0.0, -9223372036854775808",
        "1.0.0.0, 4278190080",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 1",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:0, 9223372036854775807",
        "::, -1",
        "::7fff:ffff:ffff:ffff, -9223372036854775808",
    })
    void plusThrowsWhenLeavingTheFamilyRange(String start, long n) {
        IpAddress address = IpAddress.parse(start);

        assertThatThrownBy(() -> address.plus(n))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("outside the " + address.family() + " address range");
    }

    @Test
    void ordersIpv4BeforeIpv6ThenByUnsignedValue() {
        List<IpAddress> expected = List.of(
                        "0.0.0.0",
                        "1.0.0.0",
                        "127.255.255.255",
                        "128.0.0.0",
                        "255.255.255.255",
                        "::",
                        "::ffff:0.0.0.0",
                        "7fff::",
                        "8000::",
                        "8000::1",
                        "ffff::")
                .stream()
                .map(IpAddress::parse)
                .toList();
        List<IpAddress> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new java.util.Random(7));

        Collections.sort(shuffled);

        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void equalityDependsOnFamilyAndValue() {
        IpAddress a = IpAddress.parse("fd00::1");
        IpAddress b = IpAddress.parse("FD00:0:0:0:0:0:0:0001");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(IpAddress.parse("::1.2.3.4")).isNotEqualTo(IpAddress.parse("1.2.3.4"));
        assertThat(IpAddress.parse("0.0.0.0")).isNotEqualTo(IpAddress.parse("::"));
    }

    @Test
    void familiesPrintWithFlannelSpellingAndKnowTheirWidth() {
        assertThat(IpFamily.IPV4.bits()).isEqualTo(32);
        assertThat(IpFamily.IPV6.bits()).isEqualTo(128);
        assertThat(IpFamily.IPV4).hasToString("IPv4");
        assertThat(IpFamily.IPV6).hasToString("IPv6");
    }
}
