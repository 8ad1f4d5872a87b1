package io.weft.launcher;

import java.io.PrintWriter;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How weft-allocator, weft-node and weftctl fail: always one line on stderr,
 * {@code PROGRAM: what went wrong}, never a stack trace (it goes to the debug log).
 *
 * <ul>
 *   <li>A user's mistake exits {@value #USAGE}: a flag picocli cannot read, a command's own
 *       {@link ParameterException}, or an {@link IllegalArgumentException} from checking the
 *       flags (two that go together, a file that is not there). The line ends with where help is.
 *   <li>Anything else exits {@value #FAILURE}: the program's own description of it when it has
 *       one (weftctl's gRPC statuses), else the exception's message.
 * </ul>
 */
public final class LauncherErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(LauncherErrors.class);

    private final String program;
    private final Function<Exception, String> describe;

    /**
     * @param program  the name each line starts with
     * @param describe the program's own one-line text for a failure, or null to use the message
     */
    public LauncherErrors(String program, Function<Exception, String> describe) {
        this.program = program;
        this.describe = describe;
    }

    /** A launcher's command line with these handlers; each line starts with its {@code @Command} name. */
    public static CommandLine commandLine(Object command) {
        return commandLine(command, error -> null);
    }

    /** A launcher's command line with these handlers and the program's own failure texts. */
    public static CommandLine commandLine(Object command, Function<Exception, String> describe) {
        CommandLine commandLine = new CommandLine(command);
        LauncherErrors errors = new LauncherErrors(commandLine.getCommandName(), describe);
        return commandLine.setParameterExceptionHandler(errors).setExecutionExceptionHandler(errors);
    }

    @Override
    public int handleParseException(ParameterException error, String[] args) {
        return usage(error.getCommandLine(), error);
    }

    @Override
    public int handleExecutionException(Exception error, CommandLine command, ParseResult parsed) {
        if (error instanceof ParameterException parameter) {
            return usage(parameter.getCommandLine(), parameter);
        }
        if (error instanceof IllegalArgumentException) {
            return usage(command, error);
        }
        LOG.debug("{} failed", program, error);
        String described = describe.apply(error);
        print(command, described != null ? described : message(error));
        return FAILURE;
    }

    private int usage(CommandLine command, Exception error) {
        LOG.debug("{}: usage", program, error);
        String suggestion = "";
        if (error instanceof UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            suggestion = "; did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?";
        }
        print(
                command,
                message(error) + suggestion + " (see '"
                        + command.getCommandSpec().qualifiedName() + " --help')");
        return USAGE;
    }

    private void print(CommandLine command, String text) {
        PrintWriter err = command.getErr();
        err.println(program + ": " + oneLine(text));
        err.flush();
    }

    private static String message(Exception error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    /** The text with its line breaks folded into "; ", so that it stays one line. */
    public static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
