package io.weft.node.nftables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.config.IpPrefix;
import io.weft.testsupport.NetworkNamespace;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The keeper against the real nft in a fresh namespace: written once, restored, other tables untouched. */
@Timeout(60)
class TrafficRulesKeeperIT {

    private static final PodNetwork V4 =
            new PodNetwork(IpPrefix.parse("10.244.0.0/16"), IpPrefix.parse("10.244.3.0/24"));
    private static final PodNetwork V6 =
            new PodNetwork(IpPrefix.parse("fd00:10::/56"), IpPrefix.parse("fd00:10:0:3::/64"));
    private static final String FIREWALL = """
            table inet filter {
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy drop;
            \t\tct state established accept
            \t}
            }
            table ip nat {
            \tchain POSTROUTING {
            \t\ttype nat hook postrouting priority srcnat; policy accept;
            \t\tip saddr 172.17.0.0/16 masquerade
            \t}
            }
            """;

    private NetworkNamespace namespace;
    private NftProgram nft;
    private CountingNftables counting;

    @BeforeEach
    void namespace() {
        Optional<String> unavailable = NetworkNamespace.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
        namespace = NetworkNamespace.create("weft-nft");
        nft = new NftProgram(NetworkNamespace.inside(namespace.name(), List.of("nft")));
        try {
            nft.list(false, "tables");
        } catch (NftablesException e) {
            assumeTrue(false, e.getMessage());
        }
        counting = new CountingNftables(nft);
    }

    @AfterEach
    void close() {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void writesTheTableOnceAndRestoresItAfterAFlush() {
        TrafficRulesKeeper keeper = new TrafficRulesKeeper(new TrafficRules(true, true, true), counting);

        keeper.networks(List.of(V4, V6));
        keeper.reconcile();
        keeper.reconcile();

        assertThat(nft.list(false, "table inet weft"))
                .contains(WeftTable.ruleset(new TrafficRules(true, true, true), List.of(V4, V6)));
        assertThat(counting.applies).as("written once, then left alone").isEqualTo(1);

        nft.apply("flush ruleset\n");
        keeper.reconcile();

        assertThat(nft.list(false, "table inet weft")).isPresent();
        assertThat(counting.applies).isEqualTo(2);
    }

    @Test
    void putsTaggedAcceptsIntoAnotherTablesDropChainAndTakesThemAwayOnRemove() {
        nft.apply(FIREWALL);
        TrafficRulesKeeper keeper = new TrafficRulesKeeper(new TrafficRules(false, true, true), counting);

        keeper.networks(List.of(V4));
        keeper.reconcile();

        String forward = nft.list(false, "chain inet filter forward").orElseThrow();
        assertThat(forward)
                .contains("ip saddr 10.244.0.0/16 accept comment \"weft-forward\"")
                .contains("ip daddr 10.244.0.0/16 accept comment \"weft-forward\"")
                .contains("ct state established accept");
        assertThat(counting.applies).isEqualTo(1);

        keeper.remove();

        assertThat(nft.list(false, "table inet weft")).isEmpty();
        assertThat(nft.list(false, "ruleset").orElseThrow())
                .as("the firewall's own rules are as they were")
                .isEqualTo(FIREWALL);
    }

    @Test
    void aLeaseChangeRewritesTheTable() {
        TrafficRulesKeeper keeper = new TrafficRulesKeeper(new TrafficRules(true, true, false), counting);
        keeper.networks(List.of(V4));

        PodNetwork moved = new PodNetwork(V4.network(), IpPrefix.parse("10.244.9.0/24"));
        keeper.networks(List.of(moved));

        assertThat(nft.list(false, "table inet weft").orElseThrow())
                .contains("10.244.9.0/24")
                .doesNotContain("10.244.3.0/24");
    }

    @Test
    void nftRefusingARulesetIsOneLine() {
        assertThatThrownBy(() -> nft.apply("table inet weft { chain c { bogus; } }\n"))
                .isInstanceOf(NftablesException.class)
                .hasMessageStartingWith("nft refused the ruleset: ")
                .hasMessageNotContaining("\n");
    }

    /** The real nft, counting the writes. */
    private static final class CountingNftables implements Nftables {
        private final Nftables real;
        int applies;

        CountingNftables(Nftables real) {
            this.real = real;
        }

        @Override
        public Optional<String> list(boolean handles, String object) {
            return real.list(handles, object);
        }

        @Override
        public void apply(String program) {
            applies++;
            real.apply(program);
        }

        @Override
        public void check(String program) {
            real.check(program);
        }
    }
}
