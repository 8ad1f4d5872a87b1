package io.weft.bench.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Runs tasks 0..count-1, at most {@code inFlight} at a time, on virtual threads; fails on the first error. */
public final class BoundedParallel {

    @FunctionalInterface
    public interface Task {
        void run(int i) throws Exception;
    }

    private BoundedParallel() {}

    public static void run(int count, int inFlight, Task task) throws Exception {
        Semaphore permits = new Semaphore(inFlight);
        List<Future<?>> futures = new ArrayList<>(count);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                permits.acquire();
                futures.add(threads.submit(() -> {
                    try {
                        task.run(index);
                        return null;
                    } finally {
                        permits.release();
                    }
                }));
            }
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }
}
