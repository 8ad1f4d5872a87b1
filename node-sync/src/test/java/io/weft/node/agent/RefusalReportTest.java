package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpAddress;
import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelNeighbour;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Refused kernel changes make one line with counts by reason and a few examples, never one per change. */
class RefusalReportTest {

    @Test
    void thirtyThousandRefusedChangesMakeOneLineWithCountsByReasonAndThreeExamples() {
        List<ChangeFailure> failures = new ArrayList<>();
        for (int n = 0; n < 30_000; n++) {
            KernelChange change = new KernelChange.NeighbourReplace(new KernelNeighbour(
                    IpAddress.parse("10." + (n >> 8 & 0xff) + "." + (n & 0xff) + ".0"),
                    String.format(Locale.ROOT, "0a:58:00:00:%02x:%02x", n >> 8 & 0xff, n & 0xff),
                    "flannel.1"));
            failures.add(new ChangeFailure(change, n % 3 == 0 ? "No buffer space available (ENOBUFS)" : "EINVAL"));
        }

        String line = RefusalReport.summary(failures, 30_000);

        assertThat(line)
                .doesNotContain("\n")
                .startsWith("the kernel refused 30000 changes (30000 new): 20000 EINVAL, 10000 No buffer space"
                        + " available (ENOBUFS); e.g. ")
                .endsWith("; retrying at every reconcile");
        assertThat(line.split("flannel\\.1")).hasSize(4);
    }
}
