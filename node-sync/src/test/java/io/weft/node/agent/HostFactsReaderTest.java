package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The gateways a peer must never cover come from the host's routes, not from weft's own routes to peers. */
@Timeout(10)
class HostFactsReaderTest {

    @TempDir
    Path temp;

    @Test
    void gatewaysOfTheHostsRoutesCountButNotThoseOutOfWeftsDevices() throws Exception {
        Path table = temp.resolve("route");
        Files.writeString(table, """
                Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
                eth0\t00000000\tFE00630A\t0003\t0\t0\t0\t00000000\t0\t0\t0
                eth0\t0000630A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
                flannel.1\t0005FC0A\t0005FC0A\t0007\t0\t0\t0\t00FFFFFF\t0\t0\t0
                """);

        assertThat(HostFactsReader.gateways(table, Set.of("flannel.1")))
                .containsExactly(IpAddress.parse("10.99.0.254"));
    }

    @Test
    void anUnreadableTableGivesNoGateways() {
        assertThat(HostFactsReader.gateways(temp.resolve("missing"), Set.of())).isEmpty();
    }
}
