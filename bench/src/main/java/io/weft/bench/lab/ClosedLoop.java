package io.weft.bench.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A closed-loop load: {@code clients} workers, each doing one operation after the other (the
 * next starts when the previous returns), for a fixed window. Throughput is the operations
 * that completed inside the window divided by its length.
 */
public final class ClosedLoop {

    /** One operation by worker {@code client}, its {@code sequence}-th; blocks until done. */
    @FunctionalInterface
    public interface Operation {
        void run(int client, long sequence) throws Exception;
    }

    /** What a window measured. */
    public record Throughput(long completed, long failed, Duration window, String firstError) {
        /** Nothing measured yet: the start of a sum. */
        public static final Throughput NONE = new Throughput(0, 0, Duration.ZERO, null);

        public double perSecond() {
            return completed / (window.toNanos() / 1e9);
        }

        /** Both windows as one. */
        public Throughput plus(Throughput other) {
            return new Throughput(
                    completed + other.completed,
                    failed + other.failed,
                    window.plus(other.window),
                    firstError != null ? firstError : other.firstError);
        }
    }

    private ClosedLoop() {}

    public static Throughput run(int clients, Duration window, Operation operation) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            workers.add(Thread.ofVirtual().name("load-" + c).start(() -> {
                try {
                    started.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long sequence = 0; System.nanoTime() < deadline[0]; sequence++) {
                    try {
                        operation.run(client, sequence);
                        if (System.nanoTime() <= deadline[0]) {
                            completed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        deadline[0] = System.nanoTime() + window.toNanos();
        started.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        return new Throughput(completed.get(), failed.get(), window, firstError.get());
    }
}
