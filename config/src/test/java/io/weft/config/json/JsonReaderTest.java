package io.weft.config.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class JsonReaderTest {

    @Test
    void parsesObjectsInDocumentOrderAsLinkedHashMap() {
        Object parsed = Json.parse("{\"z\":1,\"a\":2,\"m\":3}");

        assertThat(parsed).isInstanceOf(LinkedHashMap.class);
        assertThat(keys(parsed)).containsExactly("z", "a", "m");
    }

    @Test
    void parsesArraysAsArrayListOfMixedValues() {
        Object parsed = Json.parse("[1, \"two\", true, false, null, [], {}]");

        assertThat(parsed).isInstanceOf(ArrayList.class);
        assertThat(new ArrayList<Object>((List<?>) parsed))
                .containsExactly(1L, "two", true, false, null, List.of(), Map.of());
    }

    @Test
    void allowsTheFourWhitespaceCharactersAroundTokens() {
        assertThat(Json.parse(" \t\r\n{ \"a\" :\n[ 1 ,\t2 ] }\r\n")).isEqualTo(Map.of("a", List.of(1L, 2L)));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "-0, 0",
        "42, 42",
        "-17, -17",
        "9223372036854775807, 9223372036854775807",
        "-9223372036854775808, -9223372036854775808",
    })
    void integralNumbersThatFitALongAreLongs(String text, long expected) {
        assertThat(Json.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.5",
                "-0.25",
                "1e3",
                "1E+3",
                "2.5e-7",
                "9223372036854775808",
                "-9223372036854775809",
                "123456789012345678901234567890.000000000000000000001"
            })
    void otherNumbersAreExactBigDecimals(String text) {
        assertThat(Json.parse(text)).isInstanceOf(BigDecimal.class).isEqualTo(new BigDecimal(text));
    }

    @Test
    void decodesEveryEscape() {
        String parsed = (String) Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC\"");

        assertThat(parsed).isEqualTo("q\" b\\ s/ \b\f\n\r\t Aé€");
    }

    @Test
    void combinesEscapedSurrogatePairsAndKeepsRawUnicode() {
        assertThat(Json.parse("\"\\uD83D\\uDE00 😀 ü\"")).isEqualTo("😀 😀 ü");
    }

    @Test
    void repeatedKeyKeepsLastValueAtLastPosition() {
        Map<?, ?> parsed = (Map<?, ?>) Json.parse("{\"a\":1,\"b\":2,\"a\":3}");

        assertThat(parsed.get("a")).isEqualTo(3L);
        assertThat(keys(parsed)).containsExactly("b", "a");
    }

    @Test
    void keysAreCaseSensitiveAtThisLayer() {
        Map<?, ?> parsed = (Map<?, ?>) Json.parse("{\"Network\":1,\"network\":2}");

        assertThat(parsed).hasSize(2);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "``                 | 0 | expected a JSON value but found the end of input",
                "`   `              | 3 | expected a JSON value but found the end of input",
                "`{`                | 1 | expected a string key but found the end of input",
                "`{\"a\" 1}`        | 5 | expected ':' after object key but found '1'",
                "`{\"a\":1,}`       | 7 | expected a string key but found '}'",
                "`{\"a\":1 \"b\":2}`| 7 | expected ',' or '}' but found '\"'",
                "`{a:1}`            | 1 | expected a string key but found 'a'",
                "`[1,]`             | 3 | expected a JSON value but found ']'",
                "`[1 2]`            | 3 | expected ',' or ']' but found '2'",
                "`[1,2`             | 4 | expected ',' or ']' but found the end of input",
                "`01`               | 1 | leading zeros are not allowed",
                "`-01`              | 2 | leading zeros are not allowed",
                "`1.`               | 2 | expected a digit after '.' but found the end of input",
                "`.5`               | 0 | expected a JSON value but found '.'",
                "`-`                | 1 | expected a digit but found the end of input",
                "`+1`               | 0 | expected a JSON value but found '+'",
                "`1e`               | 2 | expected a digit in the exponent",
                "`1e99999999999`    | 0 | expected a number with an exponent that fits in 32 bits",
                "`tru`              | 0 | expected 'true'",
                "`nul`              | 0 | expected 'null'",
                "`True`             | 0 | expected a JSON value but found 'T'",
                "`NaN`              | 0 | expected a JSON value but found 'N'",
                "`'a'`              | 0 | expected a JSON value but found '''",
                "`\"abc`            | 4 | expected '\"' to close the string but found the end of input",
                "`\"\\x\"`          | 2 | expected one of",
                "`\"\\u12G4\"`      | 5 | expected four hex digits after \\u but found 'G'",
                "`\"\\u12\"`        | 5 | expected four hex digits after \\u",
                "`{} x`             | 3 | expected end of input but found 'x'",
                "`[1] [2]`          | 4 | expected end of input but found '['",
                "`{}/*c*/`          | 2 | expected end of input but found '/'",
            })
    void rejectsInvalidTextNamingOffsetAndExpectation(String text, int offset, String expected) {
        assertThatThrownBy(() -> Json.parse(text)).isInstanceOfSatisfying(JsonException.class, e -> {
            assertThat(e.offset()).isEqualTo(offset);
            assertThat(e.getMessage()).startsWith("at offset " + offset + ": ").contains(expected);
        });
    }

    @Test
    void rejectsRawControlCharactersInStrings() {
        assertThatThrownBy(() -> Json.parse("\"a\nb\""))
                .isInstanceOf(JsonException.class)
                .hasMessage("at offset 2: expected a character or escape; control characters must be"
                        + " escaped but found U+000A");
    }

    @Test
    void rejectsByteOrderMarkAndNonStandardWhitespace() {
        assertThatThrownBy(() -> Json.parse("\uFEFF{}"))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("at offset 0")
                .hasMessageContaining("U+FEFF");
        assertThatThrownBy(() -> Json.parse("{}\u00a0")).isInstanceOf(JsonException.class);
    }

    @Test
    void rejectsFullWidthDigitsInUnicodeEscape() {
        assertThatThrownBy(() -> Json.parse("\"\\u００４１\"")).isInstanceOf(JsonException.class);
    }

    @Test
    void rejectsNullText() {
        assertThatThrownBy(() -> Json.parse(null)).isInstanceOf(JsonException.class);
    }

    @Test
    void isAnIllegalArgumentException() {
        assertThatThrownBy(() -> Json.parse("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsNestingUpToTheDepthCap() {
        String arrays = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        String objects = "{\"a\":".repeat(Json.MAX_DEPTH - 1) + "{}" + "}".repeat(Json.MAX_DEPTH - 1);

        Object parsed = Json.parse(arrays);
        for (int depth = 1; depth < Json.MAX_DEPTH; depth++) {
            parsed = ((List<?>) parsed).getFirst();
        }
        assertThat(parsed).isEqualTo(List.of());
        assertThat(Json.parse(objects)).isInstanceOf(Map.class);
    }

    @Test
    void rejectsNestingBeyondTheDepthCapAtTheOffendingBracket() {
        String arrays = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        String mixed = "{\"a\":[".repeat(40) + "]}".repeat(40);

        assertThatThrownBy(() -> Json.parse(arrays)).isInstanceOfSatisfying(JsonException.class, e -> {
            assertThat(e.offset()).isEqualTo(Json.MAX_DEPTH);
            assertThat(e.getMessage()).contains("at most 64 levels");
        });
        assertThatThrownBy(() -> Json.parse(mixed)).isInstanceOf(JsonException.class);
    }

    @Test
    void hugeNestingFailsCleanlyInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000);

        assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(JsonException.class);
    }

    @Test
    void parsesTheFlannelLeaseValueShape() {
        String lease = "{\"PublicIP\":\"192.168.64.3\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}";

        Map<?, ?> parsed = (Map<?, ?>) Json.parse(lease);

        assertThat(parsed.containsKey("PublicIPv6")).isTrue();
        assertThat(parsed.get("PublicIPv6")).isNull();
        assertThat(((Map<?, ?>) parsed.get("BackendData")).get("VNI")).isEqualTo(1L);
        assertThat(keys(parsed)).containsExactly("PublicIP", "PublicIPv6", "BackendType", "BackendData");
    }

    private static List<Object> keys(Object object) {
        return new ArrayList<>(((Map<?, ?>) object).keySet());
    }
}
