package io.weft.node.backend;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The backends this program offers, keyed by type name. Built once, explicitly, where the
 * program is wired together: {@code Backends.of(new VxlanBackend(), new HostGwBackend())}.
 * Immutable and thread-safe.
 */
public final class Backends {

    private final Map<String, Backend> byType;

    private Backends(Map<String, Backend> byType) {
        this.byType = byType;
    }

    /** @throws IllegalArgumentException when two backends claim the same type */
    public static Backends of(Backend... backends) {
        Map<String, Backend> byType = new TreeMap<>();
        for (Backend backend : backends) {
            Backend previous = byType.putIfAbsent(backend.type(), backend);
            if (previous != null) {
                throw new IllegalArgumentException("two backends for type \"" + backend.type() + "\": "
                        + previous.getClass().getSimpleName() + " and "
                        + backend.getClass().getSimpleName());
            }
        }
        return new Backends(byType);
    }

    public Optional<Backend> find(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /**
     * The backend for a network config's {@code Backend.Type}.
     *
     * @throws BackendException naming the type and the supported ones
     */
    public Backend forType(String type) throws BackendException {
        Backend backend = byType.get(type);
        if (backend == null) {
            String hint = "udp".equals(type)
                    ? " (flannel's default when the config has no Backend;" + " set Backend.Type)"
                    : "";
            throw new BackendException("backend type \"" + type + "\" is not supported" + hint + "; weft supports "
                    + String.join(", ", byType.keySet()));
        }
        return backend;
    }

    /** The supported type names, sorted. */
    public Set<String> types() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byType.keySet()));
    }
}
