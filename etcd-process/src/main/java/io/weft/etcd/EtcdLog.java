package io.weft.etcd;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The output of one etcd launch ({@code etcd.log}, replaced at every launch), read for what
 * matters when a start fails: the end of the log, the line in which etcd said why it gave up,
 * and whether a port was taken.
 *
 * @param file the log file
 */
record EtcdLog(Path file) {

    static final int LINES_IN_ERRORS = 20;

    /** How far back the log is searched for a fatal line: etcd may print its usage text after it. */
    private static final int LINES_SEARCHED = 200;

    // Lines in which etcd states why it exits: capnslog's critical level ("C |"), zap's fatal
    // and panic levels, and Go flag-parsing errors, which precede etcd's usage text.
    private static final Pattern FATAL = Pattern.compile(
            " C \\| |\"level\":\"(fatal|panic)\"|flag provided but not defined|invalid value \"|invalid argument");

    List<String> lastLines() {
        return LogTail.lastLines(file, LINES_IN_ERRORS);
    }

    /** The first line of the recent output in which etcd explains a fatal error, if any. */
    Optional<String> fatalLine() {
        return fatalLine(LogTail.lastLines(file, LINES_SEARCHED));
    }

    static Optional<String> fatalLine(List<String> lines) {
        return lines.stream().filter(line -> FATAL.matcher(line).find()).findFirst();
    }

    /** Whether etcd could not bind one of its ports. */
    boolean mentionsAddressInUse() {
        return LogTail.lastLines(file, LINES_SEARCHED).stream()
                .anyMatch(line -> line.contains("address already in use"));
    }

    /** The fatal line (when there is one) and the last lines, indented, for an exception message. */
    String describe() {
        StringBuilder text = new StringBuilder();
        fatalLine().ifPresent(line -> text.append("etcd said: ").append(line).append('\n'));
        text.append("last ")
                .append(LINES_IN_ERRORS)
                .append(" lines of ")
                .append(file)
                .append(':');
        for (String line : lastLines()) {
            text.append("\n  ").append(line);
        }
        return text.toString();
    }
}
