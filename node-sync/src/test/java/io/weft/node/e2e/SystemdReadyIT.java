package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.launcher.UnixDatagram;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * weft-node under systemd's Type=notify: the test listens on the notify socket as systemd
 * would, and READY=1 arrives only once subnet.env exists (a CNI plugin started after the unit
 * finds it), as flanneld does.
 */
@Timeout(300)
class SystemdReadyIT {

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void readyIsSentOnlyOnceSubnetEnvIsWritten() throws Exception {
        try (WeftCluster cluster =
                new WeftCluster("{\"Network\":\"10.249.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}")) {
            Path socket = cluster.work.resolve("notify.sock");
            try (UnixDatagram systemd = UnixDatagram.bound(socket.toString())) {
                cluster.nodeEnvironment.put("NOTIFY_SOCKET", socket.toString());
                assertThat(cluster.subnetFile(1)).doesNotExist();

                cluster.addHost(1);
                String first =
                        new String(systemd.receive(Duration.ofSeconds(120)).orElseThrow(), StandardCharsets.UTF_8);

                assertThat(first).startsWith("READY=1\n");
                assertThat(Files.readString(cluster.subnetFile(1))).contains("FLANNEL_SUBNET=10.249.");
            }
        }
    }
}
