package io.weft.config.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class JsonWriterTest {

    @Test
    void writesCompactlyWithKeysInIterationOrder() {
        Map<String, Object> backend = new LinkedHashMap<>();
        backend.put("VNI", 1L);
        backend.put("VtepMAC", "c6:d2:32:6f:8f:44");
        Map<String, Object> lease = new LinkedHashMap<>();
        lease.put("PublicIP", "192.168.64.3");
        lease.put("PublicIPv6", null);
        lease.put("BackendType", "vxlan");
        lease.put("BackendData", backend);

        assertThat(Json.write(lease))
                .isEqualTo("{\"PublicIP\":\"192.168.64.3\",\"PublicIPv6\":null,"
                        + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}");
    }

    @Test
    void writesLeavesAndEmptyContainers() {
        List<Object> values = Arrays.asList(
                null,
                true,
                false,
                7L,
                -3,
                (short) 2,
                (byte) 1,
                new BigInteger("123456789012345678901234567890"),
                new BigDecimal("1.50"),
                0.5,
                2.0f,
                List.of(),
                Map.of());

        assertThat(Json.write(values))
                .isEqualTo("[null,true,false,7,-3,2,1,123456789012345678901234567890,1.50,0.5,2.0,[],{}]");
    }

    @Test
    void escapesQuotesBackslashesAndEveryControlCharacter() {
        assertThat(Json.write("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(Json.write("\u0000\n\t\r\u001f")).isEqualTo("\"\\u0000\\u000a\\u0009\\u000d\\u001f\"");
        for (char c = 0; c < 0x20; c++) {
            assertThat(Json.write(String.valueOf(c))).isEqualTo(String.format("\"\\u%04x\"", (int) c));
        }
    }

    @Test
    void leavesSlashDelAndNonAsciiUnescaped() {
        assertThat(Json.write("/\u007fé€😀")).isEqualTo("\"/\u007fé€😀\"");
    }

    @Test
    void escapesLoneSurrogatesSoTheOutputStaysValidUtf16() {
        assertThat(Json.write("a\uD83Db")).isEqualTo("\"a\\ud83db\"");
        assertThat(Json.write("\uDE00")).isEqualTo("\"\\ude00\"");
        assertThat(Json.write("\uD83D")).isEqualTo("\"\\ud83d\"");
        assertThat(Json.parse(Json.write("x\uDE00\uD83D"))).isEqualTo("x\uDE00\uD83D");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void rejectsNonFiniteNumbers(double value) {
        assertThatThrownBy(() -> Json.write(List.of(value)))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void rejectsUnsupportedTypesAndNonStringKeys() {
        assertThatThrownBy(() -> Json.write(Set.of(1)))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("Set");
        assertThatThrownBy(() -> Json.write(new Object()))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> Json.write(Map.of(1, "x")))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("not a String");
    }

    @Test
    void rejectsCyclicValuesInsteadOfOverflowingTheStack() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);

        assertThatThrownBy(() -> Json.write(cyclic))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("cyclic");
    }

    @Test
    void writeThenParseRoundTripsADocument() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("Network", "10.244.0.0/16");
        doc.put("SubnetLen", 24L);
        doc.put("EnableIPv6", false);
        doc.put("Weird \"key\"\n", Arrays.asList(null, "tab\there", new BigDecimal("1e-9")));
        doc.put("Backend", Map.of("Type", "vxlan"));

        assertThat(Json.parse(Json.write(doc))).isEqualTo(doc);
    }

    @Test
    void parseThenWriteReproducesCompactText() {
        String compact = "{\"a\":[1,-2,3.25,true,null,\"\\u0001\\\\\"],\"b\":{\"c\":{}},\"d\":[]}";

        assertThat(Json.write(Json.parse(compact))).isEqualTo(compact);
    }

    @Test
    void writtenIntegersComeBackAsLongs() {
        Map<String, Object> doc = new HashMap<>();
        doc.put("port", 8472);

        assertThat(Json.parse(Json.write(doc))).isEqualTo(Map.of("port", 8472L));
    }
}
