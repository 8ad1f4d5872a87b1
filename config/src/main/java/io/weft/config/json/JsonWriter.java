package io.weft.config.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Compact JSON writer behind {@link Json#write}. Single use, not thread safe. */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;

    JsonWriter(StringBuilder out) {
        this.out = out;
    }

    void writeValue(Object value, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String s -> writeString(s);
            case Boolean b -> out.append(b.booleanValue());
            case Long n -> out.append(n.longValue());
            case Integer n -> out.append(n.intValue());
            case Short n -> out.append(n.shortValue());
            case Byte n -> out.append(n.byteValue());
            case BigInteger n -> out.append(n);
            case BigDecimal n -> out.append(n);
            case Double d -> writeFinite(d);
            case Float f -> writeFinite(f.doubleValue());
            case Map<?, ?> map -> writeObject(map, depth + 1);
            case List<?> list -> writeArray(list, depth + 1);
            default ->
                throw new JsonException("cannot write a " + value.getClass().getName() + " as JSON; expected Map, List,"
                        + " String, Number, Boolean or null");
        }
    }

    private void writeObject(Map<?, ?> map, int depth) {
        checkDepth(depth);
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new JsonException("cannot write a JSON object key that is not a String: " + entry.getKey());
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(key);
            out.append(':');
            writeValue(entry.getValue(), depth);
        }
        out.append('}');
    }

    private void writeArray(List<?> list, int depth) {
        checkDepth(depth);
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeValue(list.get(i), depth);
        }
        out.append(']');
    }

    private void writeFinite(double d) {
        if (!Double.isFinite(d)) {
            throw new JsonException("cannot write " + d + " as JSON; numbers must be finite");
        }
        out.append(d);
    }

    private void writeString(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || isLoneSurrogate(s, i)) {
                // A lone surrogate written raw would become invalid UTF-8 on the wire; escaped it survives.
                appendUnicodeEscape(c);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }

    private void appendUnicodeEscape(char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }

    private static void checkDepth(int depth) {
        if (depth > Json.MAX_DEPTH) {
            throw new JsonException("cannot write more than " + Json.MAX_DEPTH
                    + " levels of nested maps and lists (is the value cyclic?)");
        }
    }
}
