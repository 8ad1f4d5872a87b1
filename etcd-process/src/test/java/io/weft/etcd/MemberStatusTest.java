package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MemberStatusTest {

    // Captured from etcd 3.4.23: POST http://127.0.0.1:<port>/v3/maintenance/status with body {}.
    private static final String GATEWAY_LEADER = """
            {"header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952","revision":"1",\
            "raft_term":"2"},"version":"3.4.23","dbSize":"24576","leader":"3319814642761637952",\
            "raftIndex":"5","raftTerm":"2","raftAppliedIndex":"5","dbSizeInUse":"16384"}""";

    // Captured from etcdctl endpoint status -w json: the same fields, numbers unquoted.
    private static final String ETCDCTL_FOLLOWER = """
            [{"Endpoint":"http://127.0.0.1:23790","Status":{"header":{"cluster_id":324952591200643719,\
            "member_id":3319814642761637952,"revision":1,"raft_term":7},"version":"3.4.23","dbSize":24576,\
            "leader":12345,"raftIndex":5,"raftTerm":7,"raftAppliedIndex":5,"dbSizeInUse":16384}}]""";

    @Test
    void gatewayResponseOfALeaderNamesItself() {
        MemberStatus status = MemberStatus.parse(GATEWAY_LEADER);

        assertThat(status).isEqualTo(new MemberStatus(3319814642761637952L, 3319814642761637952L, 2));
        assertThat(status.isLeader()).isTrue();
    }

    @Test
    void etcdctlJsonOfAFollowerNamesAnotherLeader() {
        MemberStatus status = MemberStatus.parse(ETCDCTL_FOLLOWER);

        assertThat(status).isEqualTo(new MemberStatus(3319814642761637952L, 12345, 7));
        assertThat(status.isLeader()).isFalse();
    }

    @Test
    void memberIdsAboveTheSignedRangeAreKeptAsUnsigned() {
        String json = GATEWAY_LEADER.replace("3319814642761637952", "18446744073709551615");

        MemberStatus status = MemberStatus.parse(json);

        assertThat(Long.toUnsignedString(status.memberId())).isEqualTo("18446744073709551615");
        assertThat(status.isLeader()).isTrue();
    }

    @Test
    void aMemberWithoutLeaderIsNotLeader() {
        String json = GATEWAY_LEADER.replace("\"leader\":\"3319814642761637952\"", "\"leader\":\"0\"");

        MemberStatus status = MemberStatus.parse(json);

        assertThat(status.leaderId()).isZero();
        assertThat(status.isLeader()).isFalse();
    }

    @Test
    void anErrorBodyIsRejectedNamingTheMissingField() {
        assertThatThrownBy(() -> MemberStatus.parse("{\"error\":\"etcdserver: request timed out\",\"code\":14}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"member_id\"")
                .hasMessageContaining("request timed out");
    }

    @Test
    void healthIsTrueOnlyForStatus200WithHealthTrue() {
        assertThat(MemberHealth.fromResponse(200, "{\"health\":\"true\"}")).isEqualTo(MemberHealth.HEALTHY);
        assertThat(MemberHealth.fromResponse(200, "{\"health\":\"true\",\"reason\":\"\"}"))
                .isEqualTo(MemberHealth.HEALTHY);
        assertThat(MemberHealth.fromResponse(503, "{\"health\":\"false\"}")).isEqualTo(MemberHealth.UNHEALTHY);
        assertThat(MemberHealth.fromResponse(200, "{\"health\":\"false\",\"reason\":\"RAFT NO LEADER\"}"))
                .isEqualTo(MemberHealth.UNHEALTHY);
        assertThat(MemberHealth.fromResponse(404, "404 page not found")).isEqualTo(MemberHealth.UNHEALTHY);
    }
}
