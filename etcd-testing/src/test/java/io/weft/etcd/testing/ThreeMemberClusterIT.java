package io.weft.etcd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.etcd.EtcdCluster;
import io.weft.etcd.EtcdProcess;
import io.weft.etcd.MemberHealth;
import io.weft.etcd.MemberStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThreeMemberClusterIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.cluster(3);

    private static final Duration ELECTION_DEADLINE = Duration.ofSeconds(15);

    @Test
    void allMembersAreHealthyAndAgreeOnOneLeader() {
        EtcdCluster cluster = ETCD.cluster();
        assertThat(cluster.size()).isEqualTo(3);
        assertThat(ETCD.endpoints())
                .hasSize(3)
                .doesNotHaveDuplicates()
                .allMatch(url -> url.startsWith("http://127.0.0.1:"));

        int leader = cluster.leaderIndex();

        assertThat(leader).isBetween(0, 2);
        long leaderId = status(cluster.member(leader)).memberId();
        for (EtcdProcess member : cluster.members()) {
            assertThat(member.health(Duration.ofSeconds(2))).isEqualTo(MemberHealth.HEALTHY);
            assertThat(status(member).leaderId())
                    .as("leader seen by %s", member.name())
                    .isEqualTo(leaderId);
        }
    }

    @Test
    void killingTheLeaderElectsAnotherAndTheRestartedMemberRejoins() {
        EtcdCluster cluster = ETCD.cluster();
        Etcdctl everyMember = new Etcdctl(ETCD.endpoints());
        everyMember.put("/weft/cluster/before", "written with three members");
        int oldLeader = cluster.leaderIndex();
        EtcdProcess killed = cluster.member(oldLeader);

        killed.kill();

        assertThat(killed.isAlive()).isFalse();
        int newLeader = Polling.untilPresent(
                ELECTION_DEADLINE,
                "a leader other than member " + oldLeader,
                () -> toOptional(cluster.findLeaderIndex()).filter(index -> index != oldLeader));
        assertThat(newLeader).isNotEqualTo(oldLeader).isBetween(0, 2);
        new Etcdctl(List.of(cluster.member(newLeader).clientEndpoint()))
                .put("/weft/cluster/during", "written with two members");

        killed.restart();

        assertThat(killed.health(Duration.ofSeconds(2))).isEqualTo(MemberHealth.HEALTHY);
        Etcdctl restartedOnly = new Etcdctl(List.of(killed.clientEndpoint()));
        assertThat(restartedOnly.get("/weft/cluster/before")).contains("written with three members");
        assertThat(restartedOnly.get("/weft/cluster/during")).contains("written with two members");
        long leaderId = status(cluster.member(cluster.leaderIndex())).memberId();
        Polling.until(
                ELECTION_DEADLINE,
                "the restarted member follows the current leader",
                () -> killed.status(Duration.ofSeconds(1))
                                .map(MemberStatus::leaderId)
                                .orElse(0L)
                        == leaderId);
    }

    @Test
    void aPausedFollowerDoesNotStopTheOthers() {
        EtcdCluster cluster = ETCD.cluster();
        int leader = cluster.leaderIndex();
        EtcdProcess follower = cluster.member((leader + 1) % 3);
        EtcdProcess other = cluster.member((leader + 2) % 3);

        follower.pause();
        try {
            assertThat(follower.health(Duration.ofMillis(300))).isEqualTo(MemberHealth.NOT_ANSWERING);
            new Etcdctl(List.of(other.clientEndpoint())).put("/weft/cluster/paused", "quorum of two");
        } finally {
            follower.resume();
        }

        Polling.until(
                ELECTION_DEADLINE,
                "the resumed follower is healthy",
                () -> follower.health(Duration.ofSeconds(1)) == MemberHealth.HEALTHY);
        assertThat(new Etcdctl(List.of(follower.clientEndpoint())).get("/weft/cluster/paused"))
                .contains("quorum of two");
    }

    private static MemberStatus status(EtcdProcess member) {
        return member.status(Duration.ofSeconds(2))
                .orElseThrow(() -> new AssertionError(member.name() + " gave no status"));
    }

    private static Optional<Integer> toOptional(OptionalInt value) {
        return value.isPresent() ? Optional.of(value.getAsInt()) : Optional.empty();
    }
}
