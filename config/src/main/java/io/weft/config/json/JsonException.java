package io.weft.config.json;

/**
 * Thrown when text is not valid JSON (RFC 8259) or a value cannot be written as JSON.
 *
 * <p>For parse errors the message names the zero-based character offset and what was expected
 * there, e.g. {@code at offset 7: expected ',' or '}' but found 'x'}; {@link #offset()} returns
 * the same offset. Writer errors have offset -1.
 */
public final class JsonException extends IllegalArgumentException {

    private final int offset;

    /** A parse error at {@code offset} (zero-based index into the input string). */
    public JsonException(int offset, String detail) {
        super("at offset " + offset + ": " + detail);
        this.offset = offset;
    }

    /** An error that is not tied to a position in some input, such as an unwritable value. */
    public JsonException(String message) {
        super(message);
        this.offset = -1;
    }

    /** The zero-based character offset of a parse error, or -1 when there is none. */
    public int offset() {
        return offset;
    }
}
