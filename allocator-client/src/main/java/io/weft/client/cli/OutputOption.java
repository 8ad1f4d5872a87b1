package io.weft.client.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** The {@code -o/--output} option of commands that print API objects: a table, or their JSON. */
final class OutputOption {

    enum Format {
        TEXT,
        JSON
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (a table, the default) or json (the API message, as protobuf JSON).")
    private Format format;

    boolean json() {
        return format == Format.JSON;
    }

    /** Prints {@code message} as protobuf JSON, the same field names the API documents. */
    static void printJson(PrintWriter out, MessageOrBuilder message) {
        try {
            out.println(JsonFormat.printer().print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print a " + message.getClass() + " as JSON", e);
        }
    }
}
