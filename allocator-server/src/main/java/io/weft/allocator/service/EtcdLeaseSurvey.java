package io.weft.allocator.service;

import io.weft.allocator.check.EtcdLeaseFacts;
import io.weft.allocator.store.EtcdLeaseTable;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Reads etcd's lease table for a check, after the keys' snapshot: which etcd leases exist, how
 * long the ones lease keys hang on have left, and which others hold no key. Only reads. The
 * number of etcd calls is bounded ({@link #MAX_ASKED} time-to-live questions for lease keys'
 * etcd leases, {@link #MAX_CANDIDATES} for the others), asked {@link #IN_FLIGHT} at a time, so
 * a check of 60,000 flanneld leases (one etcd lease each) cannot flood etcd.
 */
final class EtcdLeaseSurvey {

    static final int MAX_ASKED = 5_000;
    static final int MAX_CANDIDATES = 1_000;
    static final int IN_FLIGHT = 16;

    private final LeaseStore store;
    private final EtcdLeaseTable table;
    private final long bucketLifetimeSeconds;

    /** @param ttl the lease TTL this server writes keys with: its buckets' lifetime follows from it */
    EtcdLeaseSurvey(LeaseStore store, EtcdLeaseTable table, Duration ttl) {
        this.store = store;
        this.table = table;
        this.bucketLifetimeSeconds = LeaseBuckets.lifetime(ttl).toSeconds();
    }

    CompletableFuture<EtcdLeaseFacts> survey(Snapshot snapshot) {
        Map<Long, List<StoredLease>> referenced = new LinkedHashMap<>();
        for (StoredLease lease : snapshot.leases()) {
            if (!lease.reserved()) {
                referenced
                        .computeIfAbsent(lease.etcdLeaseId(), id -> new ArrayList<>())
                        .add(lease);
            }
        }
        return table.list().thenCompose(listed -> {
            Set<Long> existing = new HashSet<>(listed);
            List<Long> toAsk = new ArrayList<>();
            Map<Long, Long> remaining = new HashMap<>();
            for (long id : referenced.keySet()) {
                if (!existing.contains(id)) {
                    remaining.put(id, -1L);
                } else if (toAsk.size() < MAX_ASKED) {
                    toAsk.add(id);
                }
            }
            int unchecked = (int) referenced.keySet().stream()
                            .filter(existing::contains)
                            .count()
                    - toAsk.size();
            List<Long> candidates = new TreeSet<>(existing)
                    .stream()
                            .filter(id -> !referenced.containsKey(id))
                            .limit(MAX_CANDIDATES)
                            .toList();
            return ask(toAsk, id -> table.state(id, false))
                    .thenCompose(states -> {
                        states.forEach((id, state) -> remaining.put(id, state.remainingSeconds()));
                        return confirm(remaining, referenced);
                    })
                    .thenCombine(
                            ask(candidates, id -> table.state(id, true)),
                            (confirmed, states) -> new EtcdLeaseFacts(
                                    existing, confirmed, unchecked, keyless(states), bucketLifetimeSeconds));
        });
    }

    private static List<EtcdLeaseFacts.KeylessLease> keyless(Map<Long, EtcdLeaseTable.LeaseState> states) {
        List<EtcdLeaseFacts.KeylessLease> keyless = new ArrayList<>();
        states.forEach((id, state) -> {
            if (state.keys() == 0 && state.remainingSeconds() >= 0) {
                keyless.add(new EtcdLeaseFacts.KeylessLease(id, state.grantedSeconds(), state.remainingSeconds()));
            }
        });
        return keyless;
    }

    /**
     * An etcd lease that looks gone or overdue stays in the answer only if one of its keys is
     * still attached to it when read again: a key released while the check ran is no problem.
     */
    private CompletableFuture<Map<Long, Long>> confirm(
            Map<Long, Long> remaining, Map<Long, List<StoredLease>> referenced) {
        List<Long> suspects = remaining.entrySet().stream()
                .filter(e -> e.getValue() < 0)
                .map(Map.Entry::getKey)
                .limit(MAX_CANDIDATES)
                .toList();
        return ask(
                        suspects,
                        id -> stillAttached(id, referenced.get(id).getFirst().subnet()))
                .thenApply(attached -> {
                    Map<Long, Long> confirmed = new HashMap<>(remaining);
                    suspects.forEach(id -> {
                        if (!attached.get(id)) {
                            confirmed.remove(id);
                        }
                    });
                    return confirmed;
                });
    }

    private CompletableFuture<Boolean> stillAttached(long etcdLeaseId, SubnetKey subnet) {
        return store.read(subnet)
                .thenApply(now ->
                        now instanceof StoreEvent.LeasePut put && put.lease().etcdLeaseId() == etcdLeaseId);
    }

    /** Asks {@code question} of every id, at most {@link #IN_FLIGHT} at a time. */
    private static <T> CompletableFuture<Map<Long, T>> ask(
            List<Long> ids, Function<Long, CompletableFuture<T>> question) {
        Map<Long, T> answers = new HashMap<>();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int from = 0; from < ids.size(); from += IN_FLIGHT) {
            List<Long> batch = ids.subList(from, Math.min(ids.size(), from + IN_FLIGHT));
            chain = chain.thenCompose(ignored -> {
                List<CompletableFuture<Void>> calls = new ArrayList<>();
                for (long id : batch) {
                    calls.add(question.apply(id).thenAccept(answer -> {
                        synchronized (answers) {
                            answers.put(id, answer);
                        }
                    }));
                }
                return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
            });
        }
        return chain.thenApply(ignored -> {
            synchronized (answers) {
                return Map.copyOf(answers);
            }
        });
    }
}
