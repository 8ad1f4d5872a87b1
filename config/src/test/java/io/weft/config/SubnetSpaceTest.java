package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class SubnetSpaceTest {

    private static SubnetSpace space(String network, int length, String min, String max) {
        return new SubnetSpace(IpPrefix.parse(network), length, IpPrefix.parse(min), IpPrefix.parse(max));
    }

    private final SubnetSpace flannelDefault = space("10.3.0.0/16", 24, "10.3.1.0/24", "10.3.255.0/24");

    @Test
    void numbersSubnetsFromMinToMaxInclusive() {
        assertThat(flannelDefault.size()).isEqualTo(255);
        assertThat(flannelDefault.subnetAt(0)).isEqualTo(IpPrefix.parse("10.3.1.0/24"));
        assertThat(flannelDefault.subnetAt(1)).isEqualTo(IpPrefix.parse("10.3.2.0/24"));
        assertThat(flannelDefault.subnetAt(254)).isEqualTo(IpPrefix.parse("10.3.255.0/24"));
        assertThat(flannelDefault.indexOf(IpPrefix.parse("10.3.49.0/24"))).isEqualTo(48);
    }

    @Test
    void exposesItsDefiningValues() {
        assertThat(flannelDefault.network()).isEqualTo(IpPrefix.parse("10.3.0.0/16"));
        assertThat(flannelDefault.subnetLength()).isEqualTo(24);
        assertThat(flannelDefault.min()).isEqualTo(IpPrefix.parse("10.3.1.0/24"));
        assertThat(flannelDefault.max()).isEqualTo(IpPrefix.parse("10.3.255.0/24"));
        assertThat(flannelDefault.family()).isEqualTo(IpFamily.IPV4);
        assertThat(flannelDefault)
                .isEqualTo(space("10.3.0.0/16", 24, "10.3.1.0/24", "10.3.255.0/24"))
                .hasSameHashCodeAs(space("10.3.0.0/16", 24, "10.3.1.0/24", "10.3.255.0/24"))
                .isNotEqualTo(space("10.3.0.0/16", 24, "10.3.2.0/24", "10.3.255.0/24"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10.3.0.0/24, first subnet is skipped by default",
        "10.3.0.0/16, the network itself",
        "10.3.1.0/25, wrong length",
        "10.4.1.0/24, outside the network",
        "fd00::/24, wrong family",
    })
    void indexOfIsMinusOneForSubnetsOutsideTheSpace(String subnet, String why) {
        IpPrefix prefix = IpPrefix.parse(subnet);

        assertThat(flannelDefault.indexOf(prefix)).as(why).isEqualTo(-1);
        assertThat(flannelDefault.contains(prefix)).as(why).isFalse();
    }

    @Test
    void narrowedMinAndMaxExcludeSubnetsOutsideThem() {
        SubnetSpace narrow = space("10.3.0.0/16", 24, "10.3.10.0/24", "10.3.20.0/24");

        assertThat(narrow.size()).isEqualTo(11);
        assertThat(narrow.indexOf(IpPrefix.parse("10.3.9.0/24"))).isEqualTo(-1);
        assertThat(narrow.indexOf(IpPrefix.parse("10.3.10.0/24"))).isZero();
        assertThat(narrow.indexOf(IpPrefix.parse("10.3.20.0/24"))).isEqualTo(10);
        assertThat(narrow.indexOf(IpPrefix.parse("10.3.21.0/24"))).isEqualTo(-1);
    }

    @Test
    void singleSubnetSpace() {
        SubnetSpace one = space("10.3.0.0/16", 24, "10.3.7.0/24", "10.3.7.0/24");

        assertThat(one.size()).isEqualTo(1);
        assertThat(one.subnetAt(0)).isEqualTo(IpPrefix.parse("10.3.7.0/24"));
    }

    @Test
    void subnetAtRejectsIndicesOutsideTheSpace() {
        assertThatThrownBy(() -> flannelDefault.subnetAt(255))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("255");
        assertThatThrownBy(() -> flannelDefault.subnetAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ipv6Slash32CutIntoSlash64sHasTwoToThe32Subnets() {
        SubnetSpace huge = space("2001:db8::/32", 64, "2001:db8::/64", "2001:db8:ffff:ffff::/64");
        long last = (1L << 32) - 1;

        assertThat(huge.size()).isEqualTo(1L << 32);
        assertThat(huge.subnetAt(last)).isEqualTo(IpPrefix.parse("2001:db8:ffff:ffff::/64"));
        assertThat(huge.subnetAt(65536)).isEqualTo(IpPrefix.parse("2001:db8:1::/64"));
        assertThat(huge.indexOf(IpPrefix.parse("2001:db8:ffff:ffff::/64"))).isEqualTo(last);
        assertThat(huge.indexOf(IpPrefix.parse("2001:db9::/64"))).isEqualTo(-1);
    }

    @Test
    void spacesWithMoreThanLongMaxSubnetsSaturateAndTruncate() {
        SubnetSpace vast = space("fd00::/8", 126, "fd00::/126", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:fffc/126");

        assertThat(vast.size()).isEqualTo(Long.MAX_VALUE);
        assertThat(vast.subnetAt(Long.MAX_VALUE - 1)).isEqualTo(IpPrefix.parse("fd00:0:0:1:ffff:ffff:ffff:fff8/126"));
        assertThat(vast.indexOf(IpPrefix.parse("fd00:0:0:1:ffff:ffff:ffff:fff8/126")))
                .isEqualTo(Long.MAX_VALUE - 1);
        // Beyond the first Long.MAX_VALUE subnets the space is not addressable.
        assertThat(vast.indexOf(vast.max())).isEqualTo(-1);
    }

    @Test
    void spaceJustBelowTheSaturationPointIsExact() {
        // /0 cut into /63s: 2^63 subnets, minus the first one skipped = Long.MAX_VALUE exactly.
        SubnetSpace exact = space("::/0", 63, "0:0:0:2::/63", "ffff:ffff:ffff:fffe::/63");

        assertThat(exact.size()).isEqualTo(Long.MAX_VALUE);
        assertThat(exact.indexOf(exact.max())).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(exact.subnetAt(Long.MAX_VALUE - 1)).isEqualTo(exact.max());
    }

    @ParameterizedTest(name = "{0} /{1} {2}..{3}")
    @CsvSource({
        "10.3.0.0/16, 15, 10.2.0.0/15, 10.2.0.0/15",
        "10.3.0.0/16, 33, 10.3.1.0/24, 10.3.2.0/24",
        "10.3.0.0/16, 24, 10.3.1.0/25, 10.3.2.0/24",
        "10.3.0.0/16, 24, 10.4.1.0/24, 10.3.2.0/24",
        "10.3.0.0/16, 24, 10.3.1.0/24, fd00::/24",
        "10.3.0.0/16, 24, 10.3.9.0/24, 10.3.2.0/24",
    })
    void constructorRejectsInconsistentArguments(String network, int length, String min, String max) {
        assertThatThrownBy(() -> space(network, length, min, max)).isInstanceOf(IllegalArgumentException.class);
    }
}
