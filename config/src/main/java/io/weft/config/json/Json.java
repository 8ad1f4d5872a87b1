package io.weft.config.json;

/**
 * A small, strict JSON (RFC 8259) reader and compact writer for weft's own documents: the network
 * config and the lease values stored in etcd. It exists so the {@code config} module stays pure
 * JDK.
 *
 * <p>Java types produced by {@link #parse} and accepted by {@link #write}:
 *
 * <table>
 *   <caption>JSON to Java</caption>
 *   <tr><th>JSON</th><th>Java</th></tr>
 *   <tr><td>object</td><td>{@code LinkedHashMap<String, Object>} in document order</td></tr>
 *   <tr><td>array</td><td>{@code ArrayList<Object>}</td></tr>
 *   <tr><td>string</td><td>{@code String}</td></tr>
 *   <tr><td>number without fraction or exponent that fits a long</td><td>{@code Long}</td></tr>
 *   <tr><td>any other number</td><td>{@code BigDecimal} (exact: no binary rounding)</td></tr>
 *   <tr><td>true / false</td><td>{@code Boolean}</td></tr>
 *   <tr><td>null</td><td>Java {@code null}</td></tr>
 * </table>
 *
 * <p>Both methods are stateless and thread safe.
 */
public final class Json {

    /** Objects and arrays may nest at most this deep, so hostile input cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;

    private Json() {}

    /**
     * Parses one JSON value that makes up the whole of {@code text} (surrounding whitespace allowed).
     *
     * <p>Strict: no comments, no trailing commas, no single quotes, no byte-order mark, no raw
     * control characters inside strings, no leading zeros in numbers. A key repeated within an
     * object keeps its last value, and sits at the position of its last occurrence (what Go's
     * decoder, and so flanneld, effectively sees).
     *
     * @throws JsonException naming the offset and what was expected there
     */
    public static Object parse(String text) {
        return new JsonReader(text).readDocument();
    }

    /**
     * Writes {@code value} as compact JSON (no whitespace). Maps must have String keys and are
     * written in iteration order. Accepted leaf types: String, Boolean, null, Long, Integer, Short,
     * Byte, BigInteger, BigDecimal and finite Double/Float.
     *
     * @throws JsonException for any other type, a non-String key, NaN or infinity
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        new JsonWriter(out).writeValue(value, 0);
        return out.toString();
    }
}
