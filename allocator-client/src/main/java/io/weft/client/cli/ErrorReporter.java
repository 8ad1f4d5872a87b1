package io.weft.client.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How weftctl reports errors: always one line on stderr, never a stack trace.
 *
 * <ul>
 *   <li>A usage mistake (picocli's, or a command's own {@link ParameterException}, e.g. an
 *       unreadable file): the message, a hint line, exit code {@value #USAGE}.
 *   <li>A server's error status: {@code weftctl: CODE: description}, exit code
 *       {@value #SERVER_ERROR}.
 *   <li>Anything else is a bug: named by its exception, exit code {@value #SERVER_ERROR}.
 * </ul>
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final int SERVER_ERROR = 1;
    static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("weftctl: " + oneLine(ex.getMessage()));
        String suggestion = "";
        if (ex instanceof UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            suggestion = "Did you mean " + String.join(" or ", unmatched.getSuggestions()) + "? ";
        }
        err.println(suggestion + "Try '" + command.getCommandSpec().qualifiedName()
                + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        if (ex instanceof StatusRuntimeException sre) {
            err.println("weftctl: " + describe(sre.getStatus()));
        } else {
            err.println("weftctl: internal error: " + oneLine(String.valueOf(ex)));
        }
        err.flush();
        return SERVER_ERROR;
    }

    /**
     * {@code CODE: description}. A transport failure's cause (e.g. "Connection refused") replaces
     * gRPC's vague "io exception", or follows a description that does not mention it.
     */
    static String describe(Status status) {
        StringBuilder text = new StringBuilder(status.getCode().name());
        String description = status.getDescription();
        String cause = status.getCause() == null ? null : status.getCause().getMessage();
        boolean vague = description == null || description.isBlank()
                || description.equals("io exception");
        if (!vague || cause == null) {
            if (description != null && !description.isBlank()) {
                text.append(": ").append(description);
            }
        }
        if (cause != null && (vague || !description.contains(cause))) {
            text.append(": ").append(cause);
        }
        return oneLine(text.toString());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
