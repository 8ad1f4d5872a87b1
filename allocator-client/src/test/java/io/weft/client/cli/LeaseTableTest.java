package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.client.FakeLeaseService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LeaseTableTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void expiryIsTheTimeLeftInItsTwoLargestUnits() {
        assertThat(LeaseTable.compact(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(LeaseTable.compact(Duration.ofSeconds(250))).isEqualTo("4m10s");
        assertThat(LeaseTable.compact(Duration.ofHours(24).minusSeconds(30))).isEqualTo("23h59m");
        assertThat(LeaseTable.compact(Duration.ofHours(26).plusMinutes(5))).isEqualTo("1d2h");
    }

    @Test
    void reservationsAndExpiredLeasesSaySo() {
        Lease reserved =
                Lease.newBuilder().setSubnet("10.244.1.0/24").setReserved(true).build();
        Lease expired = Lease.newBuilder()
                .setSubnet("10.244.2.0/24")
                .setExpireTime(FakeLeaseService.timestamp(NOW.minusSeconds(1)))
                .build();

        assertThat(LeaseTable.expires(reserved, NOW)).isEqualTo("reserved");
        assertThat(LeaseTable.expires(expired, NOW)).isEqualTo("expired");
    }

    @Test
    void columnsLineUpAndEmptyCellsShowADash() {
        Lease dualStack = Lease.newBuilder()
                .setSubnet("10.244.1.0/24")
                .setIpv6Subnet("fd00:1::/64")
                .setNodeName("node-a")
                .setPublicIp("192.0.2.1")
                .setPublicIpv6("2001:db8::1")
                .setBackendType("vxlan")
                .setExpireTime(FakeLeaseService.timestamp(NOW.plus(Duration.ofMinutes(90))))
                .build();
        Lease flanneld = Lease.newBuilder()
                .setSubnet("10.244.10.0/24")
                .setPublicIp("192.0.2.2")
                .setBackendType("host-gw")
                .setExpireTime(FakeLeaseService.timestamp(NOW.plusSeconds(5)))
                .build();
        StringWriter text = new StringWriter();

        LeaseTable.of(List.of(dualStack, flanneld), NOW).print(new PrintWriter(text, true));

        assertThat(text.toString().lines())
                .containsExactly(
                        "SUBNET           IPV6 SUBNET   NODE     PUBLIC IP               BACKEND   EXPIRES",
                        "10.244.1.0/24    fd00:1::/64   node-a   192.0.2.1,2001:db8::1   vxlan     1h30m",
                        "10.244.10.0/24   -             -        192.0.2.2               host-gw   5s");
    }
}
