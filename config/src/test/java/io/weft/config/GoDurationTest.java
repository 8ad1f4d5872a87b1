package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "24h, 86400000",
        "10m, 600000",
        "1h30m, 5400000",
        "90s, 90000",
        "500ms, 500",
        "1m30s500ms, 90500",
        "45, 45000",
        "0s, 0"
    })
    void parsesFlagDurations(String text, long millis) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "h", "1d", "-5m", "1.5h", "10m junk", "m10", "10 m"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration; use e.g. 24h");
    }
}
