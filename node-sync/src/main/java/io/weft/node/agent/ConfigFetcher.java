package io.weft.node.agent;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.client.Backoff;
import io.weft.client.Scheduler;
import io.weft.client.WeftClient;
import io.weft.config.NetworkConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the network config from the allocator, asking again (after the back-off's delays, on the
 * injected scheduler) until one is set and reachable. A config the node cannot parse fails the
 * answer: retrying would not change it.
 */
final class ConfigFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFetcher.class);

    private final WeftClient client;
    private final Scheduler scheduler;
    private final Backoff backoff;

    ConfigFetcher(WeftClient client, Scheduler scheduler, Backoff backoff) {
        this.client = client;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    /** The config, once there is one; cancelling the answer stops the retries. */
    CompletableFuture<NetworkConfig> fetch() {
        CompletableFuture<NetworkConfig> answer = new CompletableFuture<>();
        attempt(1, null, answer);
        return answer;
    }

    private void attempt(int attempt, Status.Code lastLogged, CompletableFuture<NetworkConfig> answer) {
        if (answer.isDone()) {
            return;
        }
        client.getConfigAsync().whenComplete((config, error) -> {
            if (error == null) {
                try {
                    answer.complete(NetworkConfig.parse(config.getJson()));
                } catch (Exception e) {
                    answer.completeExceptionally(e);
                }
                return;
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (!(cause instanceof StatusRuntimeException refused)) {
                answer.completeExceptionally(cause);
                return;
            }
            Status.Code code = refused.getStatus().getCode();
            if (code != lastLogged) {
                LOG.warn(
                        "waiting for the network config ({}: {})",
                        code,
                        refused.getStatus().getDescription());
            }
            scheduler.schedule(backoff.delay(attempt), () -> attempt(attempt + 1, code, answer));
        });
    }
}
