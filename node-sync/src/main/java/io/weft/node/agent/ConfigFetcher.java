package io.weft.node.agent;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.client.WeftClient;
import io.weft.config.ConfigException;
import io.weft.config.NetworkConfig;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the network config from the allocator, waiting (with back-off) until one is set and reachable. */
final class ConfigFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFetcher.class);
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private ConfigFetcher() {
    }

    static NetworkConfig fetch(WeftClient client) throws InterruptedException, ConfigException {
        Duration wait = Duration.ofMillis(200);
        Status.Code lastLogged = null;
        while (true) {
            try {
                return NetworkConfig.parse(client.getConfig().getJson());
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code != lastLogged) {
                    LOG.warn("waiting for the network config ({}: {})", code, e.getStatus().getDescription());
                    lastLogged = code;
                }
            }
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
        }
    }
}
