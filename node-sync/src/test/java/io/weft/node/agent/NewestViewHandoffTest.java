package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class NewestViewHandoffTest {

    /** An executor whose tasks run when the test says: the kernel thread, busy until then. */
    private static final class HeldExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    private final HeldExecutor kernel = new HeldExecutor();
    private final List<String> taken = new ArrayList<>();
    private final NewestViewHandoff<String> handoff = new NewestViewHandoff<>(kernel, taken::add);

    @Test
    void aBurstWhileTheExecutorIsBusyIsOneTaskWithTheNewestView() {
        List<Integer> made = new ArrayList<>();
        for (int event = 1; event <= 1_000; event++) {
            int number = event;
            handoff.offer(() -> {
                made.add(number);
                return "view " + number;
            });
        }

        assertThat(kernel.tasks).hasSize(1);
        kernel.runAll();
        assertThat(taken).containsExactly("view 1000");
        assertThat(made).as("only the view taken is made").containsExactly(1_000);
    }

    @Test
    void aViewAfterTheLastWasTakenIsHandedOverToo() {
        handoff.offer(() -> "first");
        kernel.runAll();
        handoff.offer(() -> "second");
        handoff.offer(() -> "third");
        kernel.runAll();
        handoff.offer(() -> "fourth");
        kernel.runAll();

        assertThat(taken).containsExactly("first", "third", "fourth");
        assertThat(kernel.tasks).isEmpty();
    }

    @Test
    void aViewOfferedWhileTheConsumerRunsIsTakenByANewTask() {
        List<String> seen = new ArrayList<>();
        NewestViewHandoff<String>[] self = new NewestViewHandoff[1];
        self[0] = new NewestViewHandoff<>(kernel, view -> {
            seen.add(view);
            if (view.equals("first")) {
                self[0].offer(() -> "during"); // the watch thread delivering while the kernel reconciles
            }
        });

        self[0].offer(() -> "first");
        kernel.runAll();

        assertThat(seen).containsExactly("first", "during");
    }
}
