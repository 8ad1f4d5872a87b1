package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ListeningPortTest {

    // Shape of Linux /proc/net/tcp: port 2379 (0x094B) listening, and a connection from it.
    private static final List<String> TABLE = List.of(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
            "   0: 0100007F:094B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41001 1 0 100 0 0 10 0",
            "   1: 0100007F:094B 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 41002 1 0 20 4 30 10 -1",
            "   2: 0100007F:094C 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41003 1 0 100 0 0 10 0");

    @Test
    void findsOnlyTheListeningSocketOfThePort() {
        assertThat(new ListeningPort(2379).listeningInodes(TABLE)).containsExactly("41001");
        assertThat(new ListeningPort(2380).listeningInodes(TABLE)).containsExactly("41003");
        assertThat(new ListeningPort(2381).listeningInodes(TABLE)).isEmpty();
    }

    @Test
    void matchesThePortNotAnAddressThatEndsLikeIt() {
        List<String> table = List.of(
                TABLE.get(0),
                "   0: 094B007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41009 1 0 100 0 0 10 0");

        assertThat(new ListeningPort(2379).listeningInodes(table)).isEmpty();
    }
}
