package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A closed scheduler takes a late request quietly: a watch event that arrives while its node
 * shuts down must not end in a stack trace in the log.
 */
@Timeout(30)
class ExecutorSchedulerTest {

    @Test
    void runsATaskAfterItsDelay() {
        AtomicInteger runs = new AtomicInteger();
        try (ExecutorScheduler scheduler = ExecutorScheduler.singleThread("test-scheduler")) {
            scheduler.schedule(Duration.ofMillis(1), runs::incrementAndGet);

            await().until(() -> runs.get() == 1);
        }
    }

    @Test
    void aTaskScheduledAfterCloseIsDroppedWithoutAnError() {
        AtomicInteger runs = new AtomicInteger();
        ExecutorScheduler scheduler = ExecutorScheduler.singleThread("test-scheduler");
        scheduler.close();

        assertThatCode(() ->
                        scheduler.schedule(Duration.ZERO, runs::incrementAndGet).cancel())
                .doesNotThrowAnyException();
        assertThat(runs).hasValue(0);
    }
}
