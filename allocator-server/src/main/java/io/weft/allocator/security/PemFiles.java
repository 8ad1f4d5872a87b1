package io.weft.allocator.security;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks that the PEM files TLS settings name exist, so a typo fails with the path, not a stack trace. */
final class PemFiles {

    private PemFiles() {}

    static Path readable(String role, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(role + " " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(role + " " + file + ": not readable by this user");
        }
        return file;
    }

    /** The failure's message without the exception class names Netty wraps it in. */
    static String reason(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
        return cause == error ? message : error.getMessage() + " (" + message + ")";
    }
}
