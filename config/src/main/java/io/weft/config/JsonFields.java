package io.weft.config;

import io.weft.config.json.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, case-insensitive access to one JSON object of a network config, recording a {@link
 * ConfigProblem} for every value of the wrong JSON type.
 *
 * <p>Lookup follows Go's encoding/json, which flanneld uses: names match ignoring case, and when
 * several keys match, the one latest in the document wins. A JSON {@code null} counts as absent
 * (Go leaves the field at its default). Problems name fields in flannel's capitalisation, the
 * spelling callers pass in, prefixed with the enclosing object (e.g. "Backend.VNI").
 */
final class JsonFields {

    private final Map<String, Object> object;
    private final String path;
    private final List<ConfigProblem> problems;

    /**
     * @param path prefix for problem field names: "" at the top level, "Backend." inside Backend
     * @param problems where type problems (and {@link #problem} calls) are appended
     */
    JsonFields(Map<String, Object> object, String path, List<ConfigProblem> problems) {
        this.object = object;
        this.path = path;
        this.problems = problems;
    }

    /** The value of the last key equal to {@code name} ignoring case, or null if none (or null). */
    Object find(String name) {
        Object found = null;
        for (Map.Entry<String, Object> entry : object.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                found = entry.getValue();
            }
        }
        return found;
    }

    /** True when the field is present with a non-null value. */
    boolean has(String name) {
        return find(name) != null;
    }

    /** The field as a JSON integer; empty when absent or (with a problem recorded) not an integer. */
    Optional<Long> integer(String name) {
        Object value = find(name);
        if (value == null || value instanceof Long) {
            return Optional.ofNullable((Long) value);
        }
        // Only an integer literal too big for a long comes back as a BigDecimal with scale 0.
        String tooLarge = value instanceof BigDecimal n && n.scale() == 0 ? " (too large)" : "";
        problem(name, "expected an integer, got " + describe(value) + tooLarge);
        return Optional.empty();
    }

    /** The field as a JSON boolean; empty when absent or (with a problem recorded) not a boolean. */
    Optional<Boolean> bool(String name) {
        Object value = find(name);
        if (value == null || value instanceof Boolean) {
            return Optional.ofNullable((Boolean) value);
        }
        problem(name, "expected true or false, got " + describe(value));
        return Optional.empty();
    }

    /** The field as a JSON string; empty when absent or (with a problem recorded) not a string. */
    Optional<String> string(String name) {
        Object value = find(name);
        if (value == null || value instanceof String) {
            return Optional.ofNullable((String) value);
        }
        problem(name, "expected a string, got " + describe(value));
        return Optional.empty();
    }

    /**
     * The field as a nested object whose problems are reported as "name.Field"; empty when absent
     * or (with a problem recorded) not an object.
     */
    Optional<JsonFields> object(String name) {
        Object value = find(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked") // Json.parse builds objects as Map<String, Object>
            Map<String, Object> nested = (Map<String, Object>) map;
            return Optional.of(new JsonFields(nested, path + name + ".", problems));
        }
        problem(name, "expected an object, got " + describe(value));
        return Optional.empty();
    }

    /** How many problems have been recorded so far, across all objects sharing the list. */
    int problemCount() {
        return problems.size();
    }

    /** Records a problem with the field {@code name} of this object. */
    void problem(String name, String message) {
        problems.add(new ConfigProblem(path + name, message));
    }

    /** A short description of a parsed JSON value for messages, e.g. {@code string "24"}. */
    static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "string " + Json.write(s);
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case Boolean b -> b.toString();
            default -> "number " + value;
        };
    }
}
