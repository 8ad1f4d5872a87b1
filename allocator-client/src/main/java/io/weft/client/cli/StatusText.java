package io.weft.client.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.launcher.LauncherErrors;

/**
 * weftctl's own text for a failure, in the launchers' one error style ({@link LauncherErrors}):
 * a server's error status as {@code CODE: description}; anything else is left to the style.
 */
final class StatusText {

    private StatusText() {}

    /** The status of a failed call as one line; null for what is not a call's failure. */
    static String of(Exception error) {
        return error instanceof StatusRuntimeException failed ? describe(failed.getStatus()) : null;
    }

    /**
     * {@code CODE: description}. A transport failure's cause (e.g. "Connection refused") replaces
     * gRPC's vague "io exception", or follows a description that does not mention it.
     */
    static String describe(Status status) {
        StringBuilder text = new StringBuilder(status.getCode().name());
        String description = status.getDescription();
        String cause = status.getCause() == null ? null : status.getCause().getMessage();
        boolean vague = description == null || description.isBlank() || description.equals("io exception");
        if (!vague || cause == null) {
            if (description != null && !description.isBlank()) {
                text.append(": ").append(description);
            }
        }
        if (cause != null && (vague || !description.contains(cause))) {
            text.append(": ").append(cause);
        }
        return LauncherErrors.oneLine(text.toString());
    }
}
