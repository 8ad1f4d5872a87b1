package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WatchPrinterTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private static final Lease LEASE = Lease.newBuilder()
            .setSubnet("10.244.3.0/24")
            .setNodeName("node-c")
            .setPublicIp("192.0.2.3")
            .build();

    private WatchPrinter printer(boolean json) {
        return new WatchPrinter(new PrintWriter(out, true), new PrintWriter(err, true), json);
    }

    @Test
    void printsOneLinePerEventWithItsReason() {
        WatchPrinter printer = printer(false);

        printer.onSnapshot(10, false, Map.of("10.244.3.0/24", LEASE));
        printer.onEvent(WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.REMOVED)
                .setRevision(11)
                .setLease(LEASE)
                .setReason("expired")
                .build());
        printer.onSnapshot(30, true, Map.of());

        assertThat(out.toString().lines())
                .containsExactly(
                        "10        SNAPSHOT  10.244.3.0/24      node-c                   192.0.2.3",
                        "11        REMOVED   10.244.3.0/24      node-c                   192.0.2.3       expired",
                        "30        SNAPSHOT  -                  -                        -               reset, no leases");
    }

    @Test
    void jsonModePrintsOneParseableMessagePerLine() throws Exception {
        WatchPrinter printer = printer(true);
        WatchLeasesResponse added = WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.ADDED)
                .setRevision(12)
                .setLease(LEASE)
                .build();

        printer.onEvent(added);

        WatchLeasesResponse.Builder parsed = WatchLeasesResponse.newBuilder();
        JsonFormat.parser().merge(out.toString().strip(), parsed);
        assertThat(out.toString().lines()).hasSize(1);
        assertThat(parsed.build()).isEqualTo(added);
    }

    @Test
    void disconnectsGoToStderrAndFailuresEndTheWatch() {
        WatchPrinter printer = printer(false);

        printer.onDisconnected(Status.UNAVAILABLE.withDescription("server restarting"), Duration.ofMillis(400));
        printer.onFailed(Status.INVALID_ARGUMENT);

        assertThat(err.toString().lines())
                .containsExactly("weftctl: watch interrupted (UNAVAILABLE: server restarting); resuming in 400 ms");
        assertThat(out.toString()).isEmpty();
        assertThat(printer.failure()).isCompletedWithValue(Status.INVALID_ARGUMENT);
    }
}
