package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EtcdOptionsTest {

    private static final Path DATA = Path.of("/var/lib/weft/etcd");

    @Test
    void singleMemberListensAndAdvertisesOnLoopbackOnly() {
        EtcdOptions options =
                EtcdOptions.builder(DATA).ports(new EtcdPorts(2379, 2380)).build();

        assertThat(options.arguments())
                .containsExactly(
                        "--name=weft",
                        "--data-dir=/var/lib/weft/etcd",
                        "--listen-client-urls=http://127.0.0.1:2379",
                        "--advertise-client-urls=http://127.0.0.1:2379",
                        "--listen-peer-urls=http://127.0.0.1:2380",
                        "--initial-advertise-peer-urls=http://127.0.0.1:2380",
                        "--initial-cluster=weft=http://127.0.0.1:2380",
                        "--initial-cluster-state=new",
                        "--listen-metrics-urls=",
                        "--heartbeat-interval=100",
                        "--election-timeout=1000");
    }

    @Test
    void clusterMemberCarriesPeersTokenTimingAndExtraArgsLast() {
        EtcdOptions options = EtcdOptions.builder(DATA)
                .name("member-1")
                .ports(new EtcdPorts(4001, 4002))
                .initialCluster("member-0=http://127.0.0.1:3002,member-1=http://127.0.0.1:4002")
                .initialClusterToken("weft-test")
                .timing(RaftTiming.FAST_FOR_TESTS)
                .extraArgs("--quota-backend-bytes=1048576")
                .build()
                .withClusterState(ClusterState.EXISTING);

        assertThat(options.joinsCluster()).isTrue();
        assertThat(options.arguments())
                .contains(
                        "--initial-cluster=member-0=http://127.0.0.1:3002,member-1=http://127.0.0.1:4002",
                        "--initial-cluster-state=existing",
                        "--initial-cluster-token=weft-test",
                        "--heartbeat-interval=10",
                        "--election-timeout=100")
                .endsWith("--quota-backend-bytes=1048576");
    }

    @Test
    void portsPickedAtStartAreUnknownUntilThen() {
        EtcdOptions options = EtcdOptions.builder(DATA).build();

        assertThat(options.hasFixedPorts()).isFalse();
        assertThatThrownBy(options::arguments).isInstanceOf(IllegalStateException.class);
        assertThat(options.withPorts(new EtcdPorts(5001, 5002)).arguments())
                .contains("--listen-client-urls=http://127.0.0.1:5001");
    }

    @Test
    void aClusterMemberNeedsItsPortsInAdvance() {
        assertThatThrownBy(() -> EtcdOptions.builder(DATA)
                        .initialCluster("a=http://127.0.0.1:1")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EtcdPorts.pickFree");
    }

    @Test
    void rejectsValuesEtcdWouldRejectLater() {
        assertThatThrownBy(() -> EtcdOptions.builder(DATA).name("a,b").build()).hasMessageContaining("member name");
        assertThatThrownBy(() ->
                        EtcdOptions.builder(DATA).startTimeout(Duration.ZERO).build())
                .hasMessageContaining("startTimeout");
        assertThatThrownBy(() -> new RaftTiming(Duration.ofMillis(100), Duration.ofMillis(400)))
                .hasMessageContaining("at least 5 x heartbeat");
        assertThatThrownBy(() -> new EtcdPorts(2379, 2379)).hasMessageContaining("must differ");
        assertThatThrownBy(() -> new EtcdPorts(0, 2380)).hasMessageContaining("1..65535");
    }

    @Test
    void freePortsForAClusterAreAllDistinct() {
        var ports = EtcdPorts.pickFree(3);

        assertThat(ports).hasSize(3);
        assertThat(ports.stream()
                        .flatMap(p -> java.util.stream.Stream.of(p.client(), p.peer()))
                        .distinct())
                .hasSize(6);
    }
}
