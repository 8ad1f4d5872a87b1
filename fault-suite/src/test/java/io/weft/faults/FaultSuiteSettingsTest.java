package io.weft.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpPrefix;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FaultSuiteSettingsTest {

    @Test
    void theNetworkHasAboutTenPercentMoreSubnetsThanNodes() {
        assertThat(settings(200).networkConfigJson())
                .contains("\"SubnetMin\":\"10.96.1.0\"")
                .contains("\"SubnetMax\":\"10.96.220.0\"");
        assertThat(settings(300).networkConfigJson()).contains("\"SubnetMax\":\"10.97.74.0\"");
        assertThat(settings(10).networkConfigJson()).contains("\"SubnetMax\":\"10.96.14.0\"");
    }

    @Test
    void theRangeStaysInsideTheNetwork() {
        String json = settings(3000).networkConfigJson();
        assertThat(json).contains("\"SubnetMax\":\"10.108.228.0\"");
        assertThat(IpPrefix.parse("10.96.0.0/12").contains(IpPrefix.parse("10.108.228.0/24")))
                .isTrue();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> settings(0)).hasMessageContaining("nodes");
        assertThatThrownBy(() -> new FaultSuiteSettings(
                        Duration.ZERO, 1, 10, 1.5, 1, 0, Duration.ofSeconds(10), Path.of("w"), ""))
                .hasMessageContaining("churningShare");
    }

    private static FaultSuiteSettings settings(int nodes) {
        return new FaultSuiteSettings(
                Duration.ofMinutes(1), 1, nodes, 0.2, 4, 1, Duration.ofSeconds(10), Path.of("w"), "");
    }
}
