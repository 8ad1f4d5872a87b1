package io.weft.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A weft daemon's {@code /readyz} on a loopback port: the one way the tests, the fault suite and
 * the benchmarks wait for weft-allocator or weft-node to be ready (200).
 */
public final class Readyz implements AutoCloseable {

    /** Short, so that a benchmark timing start to ready is off by this much at most. */
    private static final Duration POLL = Duration.ofMillis(10);

    private final HttpRequest request;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Readyz(int port) {
        this.request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
    }

    /** {@code http://127.0.0.1:PORT/readyz}. */
    public static Readyz on(int port) {
        return new Readyz(port);
    }

    /** Whether it answers 200 now; false while nothing listens. */
    public boolean ready() {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Returns once it answers 200. {@code stillStarting} runs before every poll and throws to
     * give up at once (the process exited).
     *
     * @throws IllegalStateException when it is not ready within {@code within}
     */
    public void await(Duration within, Runnable stillStarting) {
        try {
            Awaitility.await()
                    .atMost(within)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .until(() -> {
                        stillStarting.run();
                        return ready();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(request.uri() + " not 200 within " + within.toSeconds() + " s", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
