package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdClusterIT {

    @TempDir
    Path dir;

    @Test
    void startsAgainOnFreshPortsWhenAPeerPortIsTakenAndStopsEveryMember() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, EtcdPorts.LOOPBACK)) {
            AtomicInteger picks = new AtomicInteger();
            IntFunction<List<EtcdPorts>> firstPickTaken = size -> {
                List<EtcdPorts> ports = new ArrayList<>(EtcdPorts.pickFree(size));
                if (picks.incrementAndGet() == 1) {
                    ports.set(2, new EtcdPorts(ports.get(2).client(), taken.getLocalPort()));
                }
                return ports;
            };

            EtcdCluster cluster = EtcdCluster.builder(dir)
                    .size(3)
                    .timing(RaftTiming.FAST_FOR_TESTS)
                    .freePorts(firstPickTaken)
                    .start();
            try {
                assertThat(picks).hasValue(2);
                assertThat(cluster.members()).allMatch(EtcdProcess::isAlive);
                assertThat(cluster.members()).extracting(EtcdProcess::peerPort).doesNotContain(taken.getLocalPort());
                assertThat(cluster.members())
                        .extracting(EtcdProcess::dataDir)
                        .containsExactly(dir.resolve("member-0"), dir.resolve("member-1"), dir.resolve("member-2"));
                assertThat(cluster.leaderIndex()).isBetween(0, 2);
            } finally {
                cluster.stop();
            }
            assertThat(cluster.members()).noneMatch(EtcdProcess::isAlive);
        }
    }

    @Test
    void refusesMemberDirsThatAlreadyHoldData() throws IOException {
        Files.createDirectories(dir.resolve("member-1"));
        Files.writeString(dir.resolve("member-1").resolve("leftover"), "x");

        assertThatThrownBy(() -> EtcdCluster.builder(dir).size(3).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member-1 is not empty");
    }

    @Test
    void aMissingBinaryFailsEveryMemberWithTheSameClearError() {
        assertThatThrownBy(() -> EtcdCluster.builder(dir)
                        .size(3)
                        .binary(dir.resolve("no-etcd-here"))
                        .start())
                .isInstanceOf(EtcdStartException.class)
                .hasMessageContaining("cannot launch etcd member")
                .hasMessageContaining(dir.resolve("no-etcd-here").toString());
    }
}
