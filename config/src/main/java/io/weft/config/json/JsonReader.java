package io.weft.config.json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for one JSON document. Single use, not thread safe; {@link Json#parse}
 * creates one per call. Recursion is bounded by {@link Json#MAX_DEPTH}.
 */
final class JsonReader {

    private final String text;
    private int pos;

    JsonReader(String text) {
        if (text == null) {
            throw new JsonException(0, "expected a JSON value but found no text (null)");
        }
        this.text = text;
    }

    Object readDocument() {
        skipWhitespace();
        Object value = readValue(0);
        skipWhitespace();
        if (pos < text.length()) {
            throw error("expected end of input");
        }
        return value;
    }

    private Object readValue(int depth) {
        if (pos >= text.length()) {
            throw error("expected a JSON value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> readObject(depth + 1);
            case '[' -> readArray(depth + 1);
            case '"' -> readString();
            case 't' -> readLiteral("true", Boolean.TRUE);
            case 'f' -> readLiteral("false", Boolean.FALSE);
            case 'n' -> readLiteral("null", null);
            default -> {
                if (c == '-' || isDigit(c)) {
                    yield readNumber();
                }
                throw error("expected a JSON value");
            }
        };
    }

    private Map<String, Object> readObject(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> object = new LinkedHashMap<>();
        skipWhitespace();
        if (consume('}')) {
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            String key = readString();
            skipWhitespace();
            expect(':', "expected ':' after object key");
            skipWhitespace();
            Object value = readValue(depth);
            // Remove first so a repeated key moves to its last position as well as taking the last
            // value; case-insensitive lookups that prefer the last match then agree with Go.
            object.remove(key);
            object.put(key, value);
            skipWhitespace();
            if (consume('}')) {
                return object;
            }
            expect(',', "expected ',' or '}'");
        }
    }

    private List<Object> readArray(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> array = new ArrayList<>();
        skipWhitespace();
        if (consume(']')) {
            return array;
        }
        while (true) {
            skipWhitespace();
            array.add(readValue(depth));
            skipWhitespace();
            if (consume(']')) {
                return array;
            }
            expect(',', "expected ',' or ']'");
        }
    }

    private String readString() {
        pos++; // opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("expected '\"' to close the string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return out.toString();
            }
            if (c < 0x20) {
                throw error("expected a character or escape; control characters must be escaped");
            }
            if (c == '\\') {
                out.append(readEscape());
            } else {
                out.append(c);
                pos++;
            }
        }
    }

    private char readEscape() {
        pos++; // backslash
        if (pos >= text.length()) {
            throw error("expected an escape character after '\\'");
        }
        char c = text.charAt(pos);
        char decoded = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> readUnicodeEscape();
            default -> throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        };
        if (c != 'u') {
            pos++;
        }
        return decoded;
    }

    /** Reads the four hex digits after {@code \\u}. Surrogate pairs combine naturally in UTF-16. */
    private char readUnicodeEscape() {
        int start = pos + 1;
        int value = 0;
        for (int i = start; i < start + 4; i++) {
            int digit = i < text.length() ? hexValue(text.charAt(i)) : -1;
            if (digit < 0) {
                pos = i;
                throw error("expected four hex digits after \\u");
            }
            value = value * 16 + digit;
        }
        pos = start + 4;
        return (char) value;
    }

    private Object readNumber() {
        int start = pos;
        consume('-');
        if (consume('0')) {
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw error("expected '.', 'e' or the end of the number; leading zeros are not allowed");
            }
        } else {
            requireDigits("expected a digit");
        }
        boolean integral = true;
        if (consume('.')) {
            integral = false;
            requireDigits("expected a digit after '.'");
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (!consume('+')) {
                consume('-');
            }
            requireDigits("expected a digit in the exponent");
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooBig) {
                // falls through to BigDecimal, which is exact at any size
            }
        }
        try {
            return new BigDecimal(literal);
        } catch (NumberFormatException | ArithmeticException exponentOverflow) {
            pos = start;
            throw error("expected a number with an exponent that fits in 32 bits");
        }
    }

    private void requireDigits(String expectation) {
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw error(expectation);
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private Object readLiteral(String literal, Object value) {
        if (!text.startsWith(literal, pos)) {
            throw error("expected '" + literal + "'");
        }
        pos += literal.length();
        return value;
    }

    private void checkDepth(int depth) {
        if (depth > Json.MAX_DEPTH) {
            throw new JsonException(pos, "expected at most " + Json.MAX_DEPTH + " levels of nested objects and arrays");
        }
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < text.length() ? text.charAt(pos) : -1;
    }

    private boolean consume(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c, String expectation) {
        if (!consume(c)) {
            throw error(expectation);
        }
    }

    private JsonException error(String expectation) {
        return new JsonException(pos, expectation + " but found " + describeCurrent());
    }

    private String describeCurrent() {
        if (pos >= text.length()) {
            return "the end of input";
        }
        char c = text.charAt(pos);
        if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\uFEFF') {
            return String.format("U+%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** 0..15 for an ASCII hex digit (HexFormat accepts no other digits), else -1. */
    private static int hexValue(char c) {
        return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
    }
}
