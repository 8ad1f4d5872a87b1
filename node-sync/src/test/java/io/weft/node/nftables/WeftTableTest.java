package io.weft.node.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The table's text: what is masqueraded, what is left alone, what is accepted. */
@Timeout(10)
class WeftTableTest {

    private static final PodNetwork V4 =
            new PodNetwork(IpPrefix.parse("10.244.0.0/16"), IpPrefix.parse("10.244.3.0/24"));
    private static final PodNetwork V6 =
            new PodNetwork(IpPrefix.parse("fd00:10::/56"), IpPrefix.parse("fd00:10:0:3::/64"));

    @Test
    void masqueradeLeavesPodToPodAloneAndMasqueradesTheRestFullyRandom() {
        String table = WeftTable.ruleset(new TrafficRules(true, true, false), List.of(V4));

        assertThat(table).isEqualTo("""
                        table inet weft {
                        \tchain postrouting {
                        \t\ttype nat hook postrouting priority srcnat; policy accept;
                        \t\tmeta mark & 0x00004000 == 0x00004000 return
                        \t\tip saddr 10.244.3.0/24 ip daddr 10.244.0.0/16 return
                        \t\tip saddr 10.244.3.0/24 ip daddr != 224.0.0.0/4 masquerade fully-random
                        \t}
                        }
                        """);
    }

    @Test
    void fullyRandomCanBeTurnedOff() {
        String table = WeftTable.ruleset(new TrafficRules(true, false, false), List.of(V4));

        assertThat(table).contains("masquerade\n").doesNotContain("fully-random");
    }

    @Test
    void ipv6GetsItsOwnRulesWithItsMulticastRange() {
        String table = WeftTable.ruleset(new TrafficRules(true, true, true), List.of(V4, V6));

        assertThat(table)
                .contains("ip6 saddr fd00:10:0:3::/64 ip6 daddr fd00:10::/56 return\n")
                .contains("ip6 saddr fd00:10:0:3::/64 ip6 daddr != ff00::/8 masquerade fully-random\n")
                .contains("ip6 saddr fd00:10::/56 accept\n")
                .contains("ip6 daddr fd00:10::/56 accept\n");
    }

    @Test
    void forwardRulesAloneAcceptToAndFromTheClusterNetwork() {
        String table = WeftTable.ruleset(new TrafficRules(false, true, true), List.of(V4));

        assertThat(table).isEqualTo("""
                        table inet weft {
                        \tchain forward {
                        \t\ttype filter hook forward priority filter; policy accept;
                        \t\tip saddr 10.244.0.0/16 accept
                        \t\tip daddr 10.244.0.0/16 accept
                        \t}
                        }
                        """);
    }

    @Test
    void theProgramReplacesTheTableWhetherOrNotItExists() {
        String program = WeftTable.replace("table inet weft {\n}\n");

        assertThat(program).startsWith("add table inet weft\ndelete table inet weft\ntable inet weft {");
        assertThat(WeftTable.remove()).isEqualTo("add table inet weft\ndelete table inet weft\n");
    }

    @Test
    void describesWhatItKeeps() {
        assertThat(new TrafficRules(true, true, true).describe()).isEqualTo("masquerade (fully random), forward rules");
        assertThat(new TrafficRules(true, false, false).describe()).isEqualTo("masquerade");
        assertThat(TrafficRules.none().any()).isFalse();
    }
}
