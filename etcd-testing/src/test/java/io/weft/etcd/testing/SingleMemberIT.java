package io.weft.etcd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.etcd.EtcdProcess;
import io.weft.etcd.MemberHealth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SingleMemberIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void runsOneHealthyMemberOnLoopback() throws Exception {
        assertThat(ETCD.endpoints()).containsExactly(ETCD.endpoint());
        assertThat(ETCD.endpoint())
                .matches("http://127\\.0\\.0\\.1:\\d+")
                .isEqualTo(ETCD.member(0).clientEndpoint());
        assertThat(ETCD.cluster().size()).isEqualTo(1);

        HttpResponse<String> health = get(ETCD.endpoint() + "/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"health\":\"true\"");
    }

    @Test
    void servesMetricsOnTheClientUrl() throws Exception {
        HttpResponse<String> metrics = get(ETCD.endpoint() + "/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("etcd_server_has_leader 1");
    }

    @Test
    void aKeyPutWithEtcdctlIsReadBack() {
        Etcdctl etcdctl = new Etcdctl(ETCD.endpoints());

        etcdctl.put("/weft/single/greeting", "hello\nworld");

        assertThat(etcdctl.get("/weft/single/greeting")).contains("hello\nworld");
        assertThat(etcdctl.get("/weft/single/absent")).isEmpty();
    }

    @Test
    void aPausedMemberStopsAnsweringUntilResumed() {
        EtcdProcess member = ETCD.member(0);
        member.pause();
        try {
            assertThat(member.isAlive()).isTrue();
            assertThat(member.health(Duration.ofMillis(300))).isEqualTo(MemberHealth.NOT_ANSWERING);
        } finally {
            member.resume();
        }

        Polling.until(
                Duration.ofSeconds(10),
                "the resumed member is healthy",
                () -> member.health(Duration.ofSeconds(1)) == MemberHealth.HEALTHY);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        try (HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
