package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackoffTest {

    @Test
    void growsByTheMultiplierUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), 3.0, Duration.ofSeconds(1), 0.0);

        assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(300));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofMillis(900));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(40)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterStaysWithinItsFraction() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.5);

        for (int i = 0; i < 100; i++) {
            assertThat(backoff.delay(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
        }
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, 2.0, Duration.ofSeconds(1), 0.0))
                .hasMessageContaining("initial");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 0.0))
                .hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1), 0.0))
                .hasMessageContaining("max");
    }
}
