package io.weft.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.client.LeaseKey;
import io.weft.client.LeaseWatchListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Prints a lease watch, one line per change: revision, type, subnet, node, public IP, reason.
 * A snapshot prints one SNAPSHOT line per lease (reason "reset" when it replaced a broken
 * stream). In JSON mode each line is one WatchLeasesResponse instead. Disconnects go to stderr;
 * a watch that gave up completes {@link #failure()}.
 */
final class WatchPrinter implements LeaseWatchListener {

    private static final String LINE = "%-9s %-9s %-18s %-24s %-15s %s";

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final CompletableFuture<Status> failure = new CompletableFuture<>();

    WatchPrinter(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    /** The column titles of the text format. */
    String header() {
        return String.format(LINE, "REVISION", "TYPE", "SUBNET", "NODE", "PUBLIC IP", "REASON")
                .stripTrailing();
    }

    @Override
    public void onSnapshot(long revision, boolean reset, Map<String, Lease> leases) {
        if (json) {
            printJson(WatchLeasesResponse.newBuilder()
                    .setType(WatchLeasesResponse.Type.SNAPSHOT)
                    .setRevision(revision)
                    .setReset(reset)
                    .addAllLeases(leases.values())
                    .build());
            return;
        }
        String reason = reset ? "reset" : "";
        if (leases.isEmpty()) {
            line(revision, "SNAPSHOT", Lease.getDefaultInstance(), reset ? "reset, no leases" : "no leases");
        }
        for (Lease lease : leases.values()) {
            line(revision, "SNAPSHOT", lease, reason);
        }
    }

    @Override
    public void onEvent(WatchLeasesResponse event) {
        if (json) {
            printJson(event);
        } else {
            line(event.getRevision(), event.getType().name(), event.getLease(), event.getReason());
        }
    }

    @Override
    public void onDisconnected(Status cause, Duration retryIn) {
        err.println("weftctl: watch interrupted (" + StatusText.describe(cause) + "); resuming in " + retryIn.toMillis()
                + " ms");
        err.flush();
    }

    @Override
    public void onFailed(Status cause) {
        failure.complete(cause);
    }

    /** Completes with the status that made the watch give up. */
    CompletableFuture<Status> failure() {
        return failure;
    }

    private void line(long revision, String type, Lease lease, String reason) {
        out.println(String.format(
                        LINE,
                        revision,
                        type,
                        dash(LeaseKey.of(lease)),
                        dash(lease.getNodeName()),
                        dash(lease.getPublicIp()),
                        reason)
                .stripTrailing());
        out.flush();
    }

    private void printJson(WatchLeasesResponse response) {
        try {
            out.println(JsonFormat.printer().omittingInsignificantWhitespace().print(response));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print a watch response as JSON", e);
        }
        out.flush();
    }

    private static String dash(String value) {
        return value.isEmpty() ? "-" : value;
    }
}
