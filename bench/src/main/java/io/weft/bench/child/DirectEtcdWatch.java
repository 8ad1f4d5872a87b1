package io.weft.bench.child;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The baseline of figure 4: one etcd watch on the lease keys' prefix, straight from etcd,
 * recording when each new key (a create: version 1) arrives, by subnet ({@code 10.1.2.0-24}
 * becomes {@code 10.1.2.0/24}).
 */
final class DirectEtcdWatch implements AutoCloseable {

    private final Client client;
    private final Watch.Watcher watcher;
    private final Map<String, Long> createdAt = new ConcurrentHashMap<>();

    /** Watches from the current revision on, so nothing is missed while the watch registers. */
    DirectEtcdWatch(String endpoint, String subnetsPrefix) throws Exception {
        client = Client.builder().endpoints(endpoint).build();
        ByteSequence prefix = ByteSequence.from(subnetsPrefix, StandardCharsets.UTF_8);
        long revision = client.getKVClient()
                .get(prefix, GetOption.builder().withCountOnly(true).build())
                .get()
                .getHeader()
                .getRevision();
        WatchOption option =
                WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
        watcher = client.getWatchClient().watch(prefix, option, response -> {
            long now = System.nanoTime();
            for (WatchEvent event : response.getEvents()) {
                if (event.getEventType() == WatchEvent.EventType.PUT
                        && event.getKeyValue().getVersion() == 1) {
                    String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                    String name = key.substring(subnetsPrefix.length());
                    int dash = name.lastIndexOf('-');
                    createdAt.putIfAbsent(name.substring(0, dash) + "/" + name.substring(dash + 1), now);
                }
            }
        });
    }

    Map<String, Long> createdAt() {
        return createdAt;
    }

    @Override
    public void close() {
        watcher.close();
        client.close();
    }
}
