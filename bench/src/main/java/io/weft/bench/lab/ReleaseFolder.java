package io.weft.bench.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The release folder that {@code ./mvnw package} assembles ({@code dist/target/weft-VERSION}):
 * its own runtime, jars, launchers and the ahead-of-time caches trained at build time. A second
 * view of it without the caches ({@link #withoutCaches}) shares the runtime and jars, so the two
 * differ in nothing but the cache.
 */
public record ReleaseFolder(Path root) {

    private static final List<String> SHARED = List.of("runtime", "lib", "libexec");

    /** The release under {@code repo/dist/target}; fails with what to run when there is none. */
    public static ReleaseFolder in(Path repo) throws IOException {
        Path target = repo.resolve("dist/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> folders = Files.list(target)) {
                Path found = folders.filter(folder -> Files.isExecutable(folder.resolve("bin/weftctl")))
                        .findFirst()
                        .orElse(null);
                if (found != null) {
                    return new ReleaseFolder(found);
                }
            }
        }
        throw new IllegalStateException("no release folder in dist/target: run ./mvnw package -DskipTests first");
    }

    /** {@code bin/PROGRAM}. */
    public Path launcher(String program) {
        return root.resolve("bin").resolve(program);
    }

    /** The release's own {@code java}. */
    public Path java() {
        return root.resolve("runtime/bin/java");
    }

    public boolean hasCache(String program) {
        return Files.isRegularFile(root.resolve("aot").resolve(program + ".aot"));
    }

    /** The same release in {@code folder}, with links to its runtime and jars, and no caches. */
    public ReleaseFolder withoutCaches(Path folder) throws IOException {
        for (String shared : SHARED) {
            Files.createSymbolicLink(folder.resolve(shared), root.resolve(shared));
        }
        Path bin = Files.createDirectories(folder.resolve("bin"));
        try (Stream<Path> launchers = Files.list(root.resolve("bin"))) {
            for (Path launcher : launchers.toList()) {
                Files.copy(launcher, bin.resolve(launcher.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return new ReleaseFolder(folder);
    }
}
