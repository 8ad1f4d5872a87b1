package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.v1.Lease;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.ExternalLink;
import io.weft.node.backend.NodeHost;
import io.weft.node.nftables.Nftables;
import io.weft.node.nftables.NftablesException;
import io.weft.node.nftables.TrafficRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a node does when nftables cannot hold its rules: refuse --ip-masq, run on without default forward rules. */
@Timeout(10)
class NodeTrafficRulesTest {

    private static final IpAddress SELF_IP = IpAddress.parse("192.168.77.2");

    private final NodeHost host;

    NodeTrafficRulesTest() throws Exception {
        NetworkConfig network = NetworkConfig.parse("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        ExternalLink eth0 = new ExternalLink("eth0", 1500, Set.of(SELF_IP), Set.of(IpPrefix.parse("192.168.77.0/24")));
        host = NodeHost.of("node-a", network, eth0, SELF_IP, null);
    }

    /** An nft that is not installed: every call fails as NftProgram's does. */
    private static final class MissingNft implements Nftables {
        final List<String> checked = new ArrayList<>();

        @Override
        public Optional<String> list(boolean handles, String object) {
            throw missing();
        }

        @Override
        public void apply(String program) {
            throw missing();
        }

        @Override
        public void check(String program) {
            checked.add(program);
            throw missing();
        }

        private static NftablesException missing() {
            return new NftablesException("cannot run nft (install the nftables package): No such file or directory");
        }
    }

    /** An nft with an empty ruleset that keeps the programs applied to it. */
    private static final class RecordingNft implements Nftables {
        final List<String> applied = new ArrayList<>();

        @Override
        public Optional<String> list(boolean handles, String object) {
            return Optional.empty();
        }

        @Override
        public void apply(String program) {
            applied.add(program);
        }

        @Override
        public void check(String program) {}
    }

    @Test
    void aWiderNetworkRewritesTheRulesSoTrafficToItStaysUnmasqueraded() throws Exception {
        RecordingNft nft = new RecordingNft();
        NodeTrafficRules rules = NodeTrafficRules.start(new TrafficRules(true, true, true), host, nft);
        rules.leaseHeld(Lease.newBuilder()
                .setNodeName("node-a")
                .setSubnet("10.244.5.0/24")
                .setPublicIp(SELF_IP.toString())
                .setBackendType("vxlan")
                .build());
        assertThat(nft.applied).last().asString().contains("10.244.0.0/16").doesNotContain("10.240.0.0/12");

        rules.networkChanged(NetworkConfig.parse("{\"Network\":\"10.240.0.0/12\",\"Backend\":{\"Type\":\"vxlan\"}}"));

        assertThat(nft.applied).hasSize(2);
        assertThat(nft.applied)
                .last()
                .asString()
                .contains("10.240.0.0/12", "10.244.5.0/24")
                .doesNotContain("10.244.0.0/16");
    }

    @Test
    void masqueradeWithoutNftablesRefusesToStartInOneLine() {
        assertThatThrownBy(() -> NodeTrafficRules.start(new TrafficRules(true, true, true), host, new MissingNft()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--ip-masq needs nftables: cannot run nft (install the nftables package): "
                        + "No such file or directory");
    }

    @Test
    void defaultForwardRulesWithoutNftablesAreDroppedAndTheNodeRuns() {
        MissingNft nft = new MissingNft();

        assertThat(NodeTrafficRules.start(new TrafficRules(false, true, true), host, nft))
                .isNull();
        assertThat(nft.checked).as("the kernel was asked first").hasSize(1);
    }

    @Test
    void noRulesAskedMeansNftIsNeverCalled() {
        MissingNft nft = new MissingNft();

        assertThat(NodeTrafficRules.start(TrafficRules.none(), host, nft)).isNull();
        assertThat(nft.checked).isEmpty();
    }
}
