package io.weft.node.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.node.dataplane.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The MAC form every peer's VTEP passes through: six colon-separated hex pairs, printed in lower case. */
class MacAddressFormTest {

    @Test
    void upperCaseIsPrintedInLowerCaseAndLowerCaseIsKept() {
        String lower = "0a:58:0a:f4:01:01";

        assertThat(MacAddress.canonical("0A:58:0a:F4:01:01")).isEqualTo(lower);
        assertThat(MacAddress.canonical(lower)).isEqualTo(lower);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "zz:00",
                "0a:58:0a:f4:01",
                "0a:58:0a:f4:01:01:02",
                "0a-58-0a-f4-01-01",
                "0a:58:0a:f4:01:0g",
                "0a:58:0a:f4:010:1",
                " 0a:58:0a:f4:01:1",
                "0a:58:0a:f4:01:01 "
            })
    void anythingElseIsRefusedWithTheFormItShouldHave(String text) {
        assertThatThrownBy(() -> MacAddress.canonical(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is not a MAC address like 0a:58:0a:f4:01:01");
    }
}
