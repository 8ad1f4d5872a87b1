package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class ServerAddressTest {

    @Test
    void parsesHostAndPort() {
        assertThat(ServerAddress.parse("10.0.0.1:7071")).isEqualTo(new ServerAddress("10.0.0.1", 7071));
        assertThat(ServerAddress.parse(" allocator.example:80 ")).isEqualTo(new ServerAddress("allocator.example", 80));
    }

    @Test
    void usesTheDefaultPortWhenNoneIsGiven() {
        assertThat(ServerAddress.parse("localhost")).isEqualTo(new ServerAddress("localhost", 7070));
        assertThat(ServerAddress.parse("[::1]")).isEqualTo(new ServerAddress("::1", 7070));
    }

    @Test
    void parsesBracketedIpv6AndPrintsItBack() {
        ServerAddress address = ServerAddress.parse("[fd00::1]:9000");

        assertThat(address).isEqualTo(new ServerAddress("fd00::1", 9000));
        assertThat(address).hasToString("[fd00::1]:9000");
    }

    @Test
    void parsesAList() {
        assertThat(ServerAddress.parseList("a:1, b:2,,c"))
                .containsExactly(new ServerAddress("a", 1), new ServerAddress("b", 2), new ServerAddress("c", 7070));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":7070", "host:", "host:http", "host:0", "host:65536", "::1:7070", "[::1", "[::1]7070"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThatThrownBy(() -> ServerAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server address");
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> ServerAddress.parseList(" , ")).isInstanceOf(IllegalArgumentException.class);
    }
}
