package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.etcd.testing.EtcdExtension;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/weft-alerts.yml, the example alert rules: well formed (every rule has an alert name, an
 * expression, a severity and a summary), and every weft metric an expression names is one a
 * running allocator serves on /metrics, so a renamed metric cannot leave a rule that never fires.
 */
@Timeout(60)
class AlertRulesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Path RULES = Path.of("").toAbsolutePath().getParent().resolve("docs/weft-alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\bweft_[a-z_]+");

    @Test
    void everyRuleIsCompleteAndEveryMetricItUsesIsServed() throws Exception {
        List<Map<String, Object>> rules = rules();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(5);

        String metrics = metricsOfARunningServer();
        List<String> used = new ArrayList<>();
        for (Map<String, Object> rule : rules) {
            assertThat(rule).containsKeys("alert", "expr", "labels", "annotations");
            assertThat(section(rule, "labels")).containsKey("severity");
            assertThat(section(rule, "annotations")).containsKeys("summary", "description");
            Matcher metric = METRIC.matcher((String) rule.get("expr"));
            while (metric.find()) {
                used.add(metric.group());
            }
        }
        assertThat(used)
                .isNotEmpty()
                .allSatisfy(name -> assertThat(metrics)
                        .as("%s, used by a rule, in the allocator's /metrics", name)
                        .containsPattern("(?m)^" + name + "[{ ]"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> rule, String name) {
        return (Map<String, Object>) rule.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws Exception {
        try (Reader reader = Files.newBufferedReader(RULES)) {
            Map<String, Object> file = new Yaml().load(reader);
            List<Map<String, Object>> rules = new ArrayList<>();
            for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
                rules.addAll((List<Map<String, Object>>) group.get("rules"));
            }
            return rules;
        }
    }

    private static String metricsOfARunningServer() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = AllocatorServer.builder()
                    .etcdEndpoints(ETCD.endpoints())
                    .etcdPrefix(fixture.prefix)
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .httpListen(new InetSocketAddress("127.0.0.1", 0))
                    .start();
            fixture.adopt(server);
            fixture.setConfig(server, "{\"Network\":\"10.60.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            fixture.leases(server).acquireLease(AllocatorFixture.vxlanNode("alerts-a", "192.168.60.1"));
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
