package io.weft.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Which build this is: the version and the git commit it was built from, written into the jar at
 * build time ("unknown" when built outside a git checkout). What {@code --version} prints and the
 * {@code weft_build} gauge carries.
 */
public record BuildInfo(String version, String commit) {

    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    /** "PROGRAM VERSION (commit COMMIT)". */
    public String describe(String program) {
        return program + " " + version + " (commit " + commit + ")";
    }

    private static BuildInfo load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return new BuildInfo(
                    nonBlank(properties.getProperty("version")), nonBlank(properties.getProperty("commit")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? "unknown" : value.strip();
    }

    /** picocli's --version for the three launchers. */
    public static final class VersionProvider implements IVersionProvider {

        @Spec
        CommandSpec spec;

        @Override
        public String[] getVersion() {
            return new String[] {current().describe(spec.root().name())};
        }
    }
}
