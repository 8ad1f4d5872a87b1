package io.weft.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every logger in the tree is declared one way, {@code private static final Logger LOG =
 * LoggerFactory.getLogger(ThisClass.class);}, so that a log line names the class that wrote it
 * and an operator sets levels by class (simplelogger.properties, {@code -D...log.CLASS=debug}).
 */
@Timeout(60)
class LoggerConventionTest {

    /** The repository root: the tests run in this module's folder. */
    private static final Path TREE = Path.of("").toAbsolutePath().getParent();

    private static final Pattern DECLARATION =
            Pattern.compile("^(\\w+\\s+)*Logger\\s+\\w+\\s*=\\s*LoggerFactory\\.getLogger\\(");

    @Test
    void everyLoggerIsNamedAfterItsClassAndCalledLog() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : javaSources()) {
            String name = file.getFileName().toString();
            String expected = "private static final Logger LOG = LoggerFactory.getLogger("
                    + name.substring(0, name.length() - ".java".length()) + ".class);";
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (DECLARATION.matcher(line).find() && !line.equals(expected)) {
                    offenders.add(TREE.relativize(file) + ":" + (i + 1) + ": " + line);
                }
            }
        }
        assertThat(offenders)
                .as("loggers declared otherwise than LOG = LoggerFactory.getLogger(ThisClass.class)")
                .isEmpty();
    }

    private static List<Path> javaSources() throws IOException {
        try (Stream<Path> files = Files.walk(TREE)) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> file.toString().contains("/src/"))
                    .filter(file -> !file.toString().contains("/target/"))
                    .toList();
        }
    }
}
