package io.weft.bench.lab;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a batch of operations cost etcd, per operation, from the difference of two
 * {@code /metrics} scrapes: gRPC requests etcd received ({@code grpc_server_msg_received_total}:
 * one per unary call, one per message on a stream, so each keep-alive counts), by method; raft
 * proposals committed; WAL fsyncs.
 */
public record EtcdCost(double requests, Map<String, Double> requestsByMethod, double proposals, double fsyncs) {

    public static EtcdCost of(PrometheusScrape delta, int operations) {
        Map<String, Double> byMethod =
                delta.byLabel("grpc_server_msg_received_total", "grpc_method").entrySet().stream()
                        .collect(Collectors.toMap(
                                Map.Entry::getKey,
                                e -> e.getValue() / operations,
                                (a, b) -> a + b,
                                java.util.TreeMap::new));
        return new EtcdCost(
                delta.sum("grpc_server_msg_received_total") / operations,
                byMethod,
                delta.sum("etcd_server_proposals_committed_total") / operations,
                delta.sum("etcd_disk_wal_fsync_duration_seconds_count") / operations);
    }

    /** "1.02 requests (Txn 1.00, LeaseGrant 0.02), 1.00 raft proposals, 0.41 WAL fsyncs". */
    public String describe() {
        String methods = requestsByMethod.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(
                Locale.ROOT,
                "%.3f etcd requests (%s), %.3f raft proposals, %.3f WAL fsyncs",
                requests,
                methods,
                proposals,
                fsyncs);
    }
}
