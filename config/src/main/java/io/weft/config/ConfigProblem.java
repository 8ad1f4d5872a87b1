package io.weft.config;

import java.util.Objects;

/**
 * One thing wrong with a network config.
 *
 * @param field the config field in flannel's capitalisation ("SubnetLen", "IPv6SubnetMin",
 *     "Backend.VNI"), or "" when the problem concerns the document as a whole
 * @param message what is wrong and what is allowed, e.g. {@code 31 is out of range; allowed 18..30
 *     for Network 10.0.0.0/16}
 */
public record ConfigProblem(String field, String message) {

    public ConfigProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** "field: message", or just the message for a document-level problem. */
    @Override
    public String toString() {
        return field.isEmpty() ? message : field + ": " + message;
    }
}
