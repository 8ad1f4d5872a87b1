package io.weft.node.nftables;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Finding other tables' forward chains in nft's listing, and weft's tagged rules in them. */
@Timeout(10)
class ForwardChainsTest {

    private static final PodNetwork V4 =
            new PodNetwork(IpPrefix.parse("10.244.0.0/16"), IpPrefix.parse("10.244.3.0/24"));
    private static final PodNetwork V6 =
            new PodNetwork(IpPrefix.parse("fd00:10::/56"), IpPrefix.parse("fd00:10:0:3::/64"));

    private static final String CHAINS = """
            table inet weft {
            \tchain postrouting {
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t}
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy accept;
            \t}
            }
            table inet filter {
            \tchain input {
            \t\ttype filter hook input priority filter; policy drop;
            \t}
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy drop;
            \t}
            }
            table ip filter {
            \tchain FORWARD {
            \t\ttype filter hook forward priority filter; policy drop;
            \t}
            \tchain DOCKER {
            \t}
            }
            table ip kube-proxy {
            \tchain forward {
            \t\ttype filter hook forward priority -110; policy accept;
            \t}
            }
            table bridge filter {
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy drop;
            \t}
            }
            """;

    @Test
    void findsTheForwardBaseChainsOfOtherIpTables() {
        assertThat(ForwardChains.of(CHAINS))
                .containsExactly(
                        new ForwardChains.Chain("inet", "filter", "forward", true),
                        new ForwardChains.Chain("ip", "filter", "FORWARD", true),
                        new ForwardChains.Chain("ip", "kube-proxy", "forward", false));
    }

    @Test
    void onlyADropPolicyGetsWeftsAcceptsOfItsFamilies() {
        var inet = new ForwardChains.Chain("inet", "filter", "forward", true);
        var ip6 = new ForwardChains.Chain("ip6", "filter", "FORWARD", true);
        var accepting = new ForwardChains.Chain("ip", "kube-proxy", "forward", false);

        assertThat(ForwardChains.wanted(inet, List.of(V4, V6)))
                .containsExactly(
                        "ip saddr 10.244.0.0/16 accept comment \"weft-forward\"",
                        "ip daddr 10.244.0.0/16 accept comment \"weft-forward\"",
                        "ip6 saddr fd00:10::/56 accept comment \"weft-forward\"",
                        "ip6 daddr fd00:10::/56 accept comment \"weft-forward\"");
        assertThat(ForwardChains.wanted(ip6, List.of(V4, V6))).hasSize(2).allMatch(rule -> rule.startsWith("ip6 "));
        assertThat(ForwardChains.wanted(accepting, List.of(V4))).isEmpty();
    }

    @Test
    void readsOnlyWeftsTaggedRulesWithTheirHandles() {
        String listing = """
                table inet filter {
                \tchain forward { # handle 1
                \t\ttype filter hook forward priority filter; policy drop;
                \t\tip saddr 10.244.0.0/16 accept comment "weft-forward" # handle 7
                \t\tct state established accept # handle 3
                \t\tip daddr 10.244.0.0/16 accept comment "weft-forward" # handle 8
                \t}
                }
                """;

        assertThat(ForwardChains.tagged(listing))
                .containsExactly(
                        new ForwardChains.TaggedRule("ip saddr 10.244.0.0/16 accept comment \"weft-forward\"", 7),
                        new ForwardChains.TaggedRule("ip daddr 10.244.0.0/16 accept comment \"weft-forward\"", 8));
    }

    @Test
    void theFixDeletesWeftsOldRulesByHandleAndInsertsTheWantedOnesInOrderAtTheTop() {
        var chain = new ForwardChains.Chain("inet", "filter", "forward", true);

        String fix = ForwardChains.fix(
                chain, List.of(new ForwardChains.TaggedRule("ip saddr 10.9.0.0/16 accept", 4)), List.of("a", "b"));

        assertThat(fix).isEqualTo("""
                        delete rule inet filter forward handle 4
                        insert rule inet filter forward b
                        insert rule inet filter forward a
                        """);
    }
}
