package io.weft.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The checkout's bin/weft-node and the release's run the agent's JVM with the same default flags
 * and the same malloc arena limit: the memory and start-up figures measure one, hosts run the other.
 */
class NodeLauncherFlagsTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Pattern DEFAULT_FLAGS = Pattern.compile("\\$\\{WEFT_NODE_JAVA_OPTS:-([^}]*)}");

    @Test
    void bothLaunchersRunTheSameJvmFlags() throws Exception {
        String checkout = Files.readString(REPO.resolve("bin/weft-node"));
        String release = Files.readString(REPO.resolve("dist/src/bin/weft-node"));

        assertThat(defaultFlags(release)).isEqualTo(defaultFlags(checkout)).contains("-XX:+UseSerialGC", "-Xmx");
        assertThat(release).contains("export MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"");
        assertThat(checkout).contains("export MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"");
    }

    private static String defaultFlags(String launcher) {
        Matcher flags = DEFAULT_FLAGS.matcher(launcher);
        assertThat(flags.find()).as("a ${WEFT_NODE_JAVA_OPTS:-...} default").isTrue();
        return flags.group(1);
    }
}
