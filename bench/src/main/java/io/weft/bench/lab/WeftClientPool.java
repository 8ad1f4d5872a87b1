package io.weft.bench.lab;

import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code size} independent clients of one server, each with its own connection, as that many
 * nodes would have. Built on the public client library, so its cost is part of what is measured.
 */
public final class WeftClientPool implements AutoCloseable {

    private final List<WeftClient> clients = new ArrayList<>();

    public WeftClientPool(ServerAddress server, int size) {
        for (int i = 0; i < size; i++) {
            clients.add(WeftClient.connect(List.of(server)));
        }
    }

    /** Client {@code i} modulo the pool size. */
    public WeftClient get(int i) {
        return clients.get(Math.floorMod(i, clients.size()));
    }

    public int size() {
        return clients.size();
    }

    @Override
    public void close() {
        clients.forEach(WeftClient::close);
    }
}
