package io.weft.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite, bounded for CI: about two minutes, every kind of fault at least twice, and
 * the checker must find nothing. The replicas run from the module's packaged classpath
 * (target/runtime-classpath.txt, written at {@code package}, before the integration tests); in a
 * reactor build ({@code ./mvnw verify}, or {@code -pl fault-suite -am}) that is this checkout's
 * server, not the local repository's. The seed is printed; {@code -DfaultSuite.seed=N} replays it.
 */
@Timeout(600)
class FaultSuiteIT {

    @TempDir
    Path workDir;

    @Test
    void everyFaultTwiceUnderAFewHundredNodesBreaksNoRule() throws Exception {
        long seed = Long.getLong("faultSuite.seed", System.nanoTime());
        FaultSuiteSettings settings = new FaultSuiteSettings(
                Duration.ofSeconds(90), 2, 200, 0.2, 24, seed, Duration.ofSeconds(10), workDir, replicaClasspath());

        FaultSuiteResult result = new FaultSuite(settings, System.out::println).run();
        result.check().details().forEach(violation -> System.out.println("fault-suite: violation " + violation));
        System.out.println(result.summaryLine());

        assertThat(result.everyFaultInjected(2))
                .as("every fault kind twice: %s", result.faults())
                .isTrue();
        assertThat(result.operations()).as("operations").isGreaterThan(1000);
        assertThat(result.check().details())
                .as("violations (seed %d; logs in %s)", seed, workDir)
                .isEmpty();
        assertThat(result.violations()).isZero();
    }

    private static String replicaClasspath() throws Exception {
        Path classes = Path.of("target", "classes").toAbsolutePath();
        String dependencies = Files.readString(Path.of("target", "runtime-classpath.txt"), StandardCharsets.UTF_8)
                .strip();
        return classes + java.io.File.pathSeparator + dependencies;
    }
}
