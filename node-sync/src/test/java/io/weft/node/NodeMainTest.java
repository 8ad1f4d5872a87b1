package io.weft.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.client.ClientTls;
import io.weft.etcd.testing.TestCertificates;
import io.weft.launcher.EnvironmentDefaults;
import io.weft.launcher.LauncherErrors;
import io.weft.node.agent.NodeSettings;
import io.weft.node.nftables.TrafficRules;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** weft-node's TLS options: parsed into the settings, and bad files refused in one line before anything starts. */
@Timeout(30)
class NodeMainTest {

    @TempDir
    Path temp;

    @Test
    void tlsOptionsReachTheSettings() throws Exception {
        TestCertificates ca = TestCertificates.authority(temp, "weft");
        TestCertificates.Issued node = ca.client("node-a");
        NodeMain main = new NodeMain();
        new CommandLine(main)
                .parseArgs(
                        "--node-name",
                        "node-a",
                        "--tls-ca",
                        ca.caFile().toString(),
                        "--tls-cert",
                        node.certificate().toString(),
                        "--tls-key",
                        node.key().toString());

        assertThat(main.settings().tls()).isEqualTo(new ClientTls(ca.caFile(), node.certificate(), node.key()));
    }

    @Test
    void everyFlagCanComeFromItsEnvironmentVariable() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main)
                .setDefaultValueProvider(new EnvironmentDefaults(
                        "weft-node",
                        Map.of(
                                "WEFT_NODE_NODE_NAME", "node-env",
                                "WEFT_NODE_SERVER", "10.0.0.1:7070,10.0.0.2:7070",
                                "WEFT_NODE_SUBNET_FILE", "/run/test/subnet.env",
                                "WEFT_NODE_RENEW_MARGIN", "2h",
                                "WEFT_NODE_RELEASE_ON_EXIT", "true")))
                .parseArgs("--renew-margin", "90m");

        NodeSettings settings = main.settings();
        assertThat(settings.nodeName()).isEqualTo("node-env");
        assertThat(settings.servers()).hasSize(2);
        assertThat(settings.subnetFile()).isEqualTo(Path.of("/run/test/subnet.env"));
        assertThat(settings.renewMargin()).as("the command line wins").isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.releaseOnExit()).isTrue();
    }

    @Test
    void flanneldsTrafficFlagsReachTheSettings() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main)
                .setDefaultValueProvider(new EnvironmentDefaults(
                        "weft-node",
                        Map.of("FLANNELD_IP_MASQ", "true", "FLANNELD_SUBNET_LEASE_RENEW_MARGIN", "30"),
                        "FLANNELD",
                        NodeMain.FLANNELD_FLAGS))
                .parseArgs("--node-name", "n", "--ip-masq-fully-random-disable", "--iptables-forward-rules=false");

        NodeSettings settings = main.settings();
        assertThat(settings.trafficRules()).isEqualTo(new TrafficRules(true, false, false));
        assertThat(settings.renewMargin()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void forwardRulesAreOnByDefaultAndMasqueradeOff() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--node-name", "n");

        assertThat(main.settings().trafficRules()).isEqualTo(new TrafficRules(false, true, true));
        assertThat(main.settings().renewMargin()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRenewMarginOfTheWholeLeaseIsRefusedInOneLine() {
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new NodeMain())
                .setErr(new PrintWriter(err, true))
                .execute("--node-name", "n", "--subnet-lease-renew-margin", "1440");

        assertThat(code).isNotZero();
        assertThat(err.toString().strip())
                .startsWith("weft-node: --subnet-lease-renew-margin: 1440 minutes is outside 1 to 1439 "
                        + "(it must be shorter than the 24 h lease)")
                .doesNotContain("\n");
    }

    @Test
    void aCertificateNamingAnotherNodeIsRefused() {
        TestCertificates ca = TestCertificates.authority(temp, "weft");
        TestCertificates.Issued other = ca.client("node-b");
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new NodeMain())
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--node-name",
                        "node-a",
                        "--tls-ca",
                        ca.caFile().toString(),
                        "--tls-cert",
                        other.certificate().toString(),
                        "--tls-key",
                        other.key().toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("weft-node: --tls-cert " + other.certificate()
                        + " names \"node-b\" but the node name is \"node-a\": servers only let a node act on the lease of the "
                        + "node its certificate names; set --node-name or issue a certificate with CN=node-a"
                        + " (see 'weft-node --help')");
    }

    @Test
    void aTakeoverIsAskedForOnlyWithTheFlag() throws Exception {
        NodeMain plain = new NodeMain();
        new CommandLine(plain).parseArgs("--node-name", "node-a");
        NodeMain takeover = new NodeMain();
        new CommandLine(takeover).parseArgs("--node-name", "node-a", "--takeover");

        assertThat(plain.settings().takeover()).isFalse();
        assertThat(takeover.settings().takeover()).isTrue();
    }

    @Test
    void withoutTlsOptionsTheConnectionIsPlaintext() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--node-name", "node-a");

        assertThat(main.settings().tls()).isNull();
    }

    @Test
    void aMissingCaFileIsOneLineAndExitCodeTwo() {
        Path missing = temp.resolve("nope.pem");
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new NodeMain())
                .setErr(new PrintWriter(err, true))
                .execute("--node-name", "node-a", "--tls-ca", missing.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo("weft-node: TLS CA " + missing + ": no such file (see 'weft-node --help')");
    }

    @Test
    void aCertificateWithoutAKeyIsRefused() {
        TestCertificates ca = TestCertificates.authority(temp, "weft");
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new NodeMain())
                .setErr(new PrintWriter(err, true))
                .execute(
                        "--node-name",
                        "node-a",
                        "--tls-ca",
                        ca.caFile().toString(),
                        "--tls-cert",
                        ca.client("node-a").certificate().toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip())
                .isEqualTo(
                        "weft-node: --tls-cert and --tls-key go together: give both or neither (see 'weft-node --help')");
    }

    @Test
    void anHttpListenAddressWithoutAPortTakesTheNodesHttpPort() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--node-name", "node-a", "--http-listen", "0.0.0.0");

        assertThat(main.settings().httpListen().getPort()).isEqualTo(7072);
        assertThat(main.settings().httpListen().getHostString()).isEqualTo("0.0.0.0");
    }

    @Test
    void anHttpListenIpv6AddressWithoutAPortTakesTheNodesHttpPort() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--node-name", "node-a", "--http-listen", "[::]");

        assertThat(main.settings().httpListen().getPort()).isEqualTo(7072);
    }

    @Test
    void anHttpListenPortIsKept() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--node-name", "node-a", "--http-listen", "0.0.0.0:9100");

        assertThat(main.settings().httpListen().getPort()).isEqualTo(9100);
    }

    @Test
    void durationsAreGoStyleOrPlainSeconds() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main)
                .parseArgs(
                        "--node-name",
                        "node-a",
                        "--renew-margin",
                        "1m30s",
                        "--reconcile-interval",
                        "500ms",
                        "--lost-store-grace",
                        "45");

        assertThat(main.settings().renewMargin()).isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(main.settings().reconcileInterval()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(main.settings().lostStoreGrace()).isEqualTo(java.time.Duration.ofSeconds(45));
    }

    @Test
    void noneTurnsTheHttpPortOff() throws Exception {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--node-name", "node-a", "--http-listen", "none");

        assertThat(main.settings().httpListen()).isNull();
    }

    @Test
    void aBadAddressIsOneLineNamingTheFlagAndExitsTwo() {
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new NodeMain())
                .setErr(new PrintWriter(err, true))
                .execute("--node-name", "node-a", "--server", "10.0.0.1:http");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines())
                .containsExactly("weft-node: --server: server address: \"10.0.0.1:http\": "
                        + "port \"http\" is not a number 0..65535 (see 'weft-node --help')");
    }
}
