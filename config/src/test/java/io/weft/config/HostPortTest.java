package io.weft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class HostPortTest {

    @ParameterizedTest(name = "{0} (default {1}) = {2} port {3}")
    @CsvSource({
        "127.0.0.1:7070, 1, 127.0.0.1, 7070",
        "' alloc.example:80 ', 1, alloc.example, 80",
        "0.0.0.0, 7071, 0.0.0.0, 7071",
        "localhost, 7072, localhost, 7072",
        "[::1]:9000, 1, ::1, 9000",
        "[::], 7071, ::, 7071",
        "[fd00::1], 7070, fd00::1, 7070",
        "127.0.0.1:0, 7070, 127.0.0.1, 0"
    })
    void takesTheCallersPortWhenTheTextNamesNone(String text, int defaultPort, String host, int port) {
        assertThat(HostPort.parse(text, defaultPort)).isEqualTo(new HostPort(host, port));
    }

    @Test
    void printsWhatItReadsBack() {
        assertThat(HostPort.parse("[fd00::1]:9000", 1)).hasToString("[fd00::1]:9000");
        assertThat(HostPort.parse("10.0.0.1", 7071)).hasToString("10.0.0.1:7071");
        assertThat(HostPort.parse(HostPort.parse("[::]", 7071).toString(), 1)).isEqualTo(new HostPort("::", 7071));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                ":7070",
                "host:",
                "host:http",
                "host:-1",
                "host:65536",
                "host:99999999999",
                "::1:7070",
                "::1",
                "[::1",
                "[::1]7070",
                "[]:7070"
            })
    void refusesWhatIsNotAnAddressInOneLine(String text) {
        assertThatThrownBy(() -> HostPort.parse(text, 7070))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(error ->
                        assertThat(error.getMessage()).doesNotContain("\n").isNotBlank());
    }

    @Test
    void anUnbracketedIpv6AddressIsRefusedWithTheWayToWriteIt() {
        assertThatThrownBy(() -> HostPort.parse("::1:7070", 7071))
                .hasMessage("\"::1:7070\": put an IPv6 address in brackets, e.g. [::1]:7071");
    }
}
