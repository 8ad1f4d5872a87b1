package io.weft.etcd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds the etcd executable: {@value #ENV_VARIABLE} if set, otherwise {@code etcd} on {@code PATH}. */
public final class EtcdBinary {

    /** Environment variable that names the etcd executable explicitly. */
    public static final String ENV_VARIABLE = "WEFT_ETCD_BIN";

    private static final String COMMAND = "etcd";

    private EtcdBinary() {}

    /**
     * Locates etcd using this process's environment.
     *
     * @throws EtcdBinaryNotFoundException with install instructions if there is none
     */
    public static Path locate() {
        return locate(System.getenv());
    }

    /**
     * Locates etcd using the given environment ({@value #ENV_VARIABLE}, then {@code PATH}).
     *
     * @throws EtcdBinaryNotFoundException with install instructions if there is none
     */
    public static Path locate(Map<String, String> environment) {
        String explicit = environment.get(ENV_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit);
            if (!isExecutableFile(path)) {
                throw new EtcdBinaryNotFoundException(ENV_VARIABLE + "=" + explicit
                        + " is not an executable file; point it to an etcd binary or unset it to use etcd from PATH");
            }
            return path.toAbsolutePath();
        }
        String searchPath = environment.getOrDefault("PATH", "");
        return onPath(searchPath)
                .orElseThrow(() -> new EtcdBinaryNotFoundException(
                        "etcd binary not found on PATH (" + searchPath + "); install etcd-server"
                                + " (Debian/Ubuntu: apt-get install etcd-server etcd-client) or set "
                                + ENV_VARIABLE + " to the etcd executable"));
    }

    private static Optional<Path> onPath(String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir, COMMAND);
                if (isExecutableFile(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            } catch (InvalidPathException ignored) {
                // A malformed PATH entry cannot hold etcd; keep looking.
            }
        }
        return Optional.empty();
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
