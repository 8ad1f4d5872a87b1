package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A shutdown step that never returns cannot keep the process alive: the overrun action runs. */
@Timeout(30)
class BoundedShutdownTest {

    @Test
    void aStepStuckForeverRunsTheOverrunActionAndReturns() {
        AtomicInteger overruns = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);

        new BoundedShutdown(Duration.ofMillis(200), overruns::incrementAndGet).run(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(overruns).hasValue(1);
    }

    @Test
    void stepsThatFinishDoNotRunTheOverrunAction() {
        AtomicInteger overruns = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();

        new BoundedShutdown(Duration.ofSeconds(20), overruns::incrementAndGet).run(ran::incrementAndGet);

        assertThat(ran).hasValue(1);
        assertThat(overruns).hasValue(0);
    }
}
