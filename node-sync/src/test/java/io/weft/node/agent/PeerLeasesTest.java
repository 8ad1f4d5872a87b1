package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.node.backend.PeerLease;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each version of a peer's lease is read once at the edge and reused until it changes. */
@Timeout(10)
class PeerLeasesTest {

    private final PeerLeases peerLeases = new PeerLeases();

    @Test
    void anUnchangedLeaseIsReadOnceAndAChangedOneAgain() {
        Lease a = lease("node-a", "10.244.1.0/24", "192.168.0.1");
        Lease b = lease("node-b", "10.244.2.0/24", "192.168.0.2");
        List<PeerLease> first = peerLeases.of(List.of(a, b));

        Lease movedB = lease("node-b", "10.244.2.0/24", "192.168.0.22");
        List<PeerLease> second = peerLeases.of(List.of(a.toBuilder().build(), movedB));

        assertThat(second.get(0)).as("an equal lease reuses its reading").isSameAs(first.get(0));
        assertThat(second.get(1)).isNotSameAs(first.get(1));
        assertThat(second.get(1).side(IpFamily.IPV4).publicIp().value()).hasToString("192.168.0.22");
    }

    @Test
    void aLeaseThatLeftTheViewIsForgotten() {
        Lease a = lease("node-a", "10.244.1.0/24", "192.168.0.1");
        PeerLease before = peerLeases.of(List.of(a)).getFirst();
        peerLeases.of(List.of());

        assertThat(peerLeases.of(List.of(a)).getFirst()).isNotSameAs(before).isEqualTo(before);
    }

    @Test
    void aBadFieldIsKeptWithItsReasonNotThrown() {
        PeerLease read = PeerLease.of(lease("node-c", "not-a-subnet", "192.168.0.3"));

        assertThat(read.side(IpFamily.IPV4).subnet().value()).isNull();
        assertThat(read.side(IpFamily.IPV4).subnet().problem()).isNotBlank();
        assertThat(read.side(IpFamily.IPV6).subnet().problem()).isEqualTo("no IPv6 subnet");
        assertThat(read.name()).isEqualTo("node-c");
    }

    private static Lease lease(String node, String subnet, String publicIp) {
        return Lease.newBuilder()
                .setNodeName(node)
                .setSubnet(subnet)
                .setPublicIp(publicIp)
                .setBackendType("vxlan")
                .build();
    }
}
