package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void keepsTheLastLinesInOrder() {
        assertThat(LogTail.lastLines("a\nb\nc\nd\n", 2)).containsExactly("c", "d");
    }

    @Test
    void returnsEverythingWhenShorterThanAsked() {
        assertThat(LogTail.lastLines("a\r\nb", 20)).containsExactly("a", "b");
    }

    @Test
    void keepsInnerEmptyLinesButNotTheFinalLineBreak() {
        assertThat(LogTail.lastLines("a\n\nb\n", 3)).containsExactly("a", "", "b");
        assertThat(LogTail.lastLines("", 3)).isEmpty();
    }

    @Test
    void aMissingFileHasNoLines() {
        assertThat(LogTail.lastLines(dir.resolve("absent.log"), 20)).isEmpty();
    }

    @Test
    void readsOnlyTheEndOfALargeFile() throws IOException {
        Path log = dir.resolve("etcd.log");
        String text = IntStream.range(0, 20_000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(log, text);
        assertThat(Files.size(log)).isGreaterThan(LogTail.MAX_BYTES);

        assertThat(LogTail.lastLines(log, 3)).containsExactly("line 19997", "line 19998", "line 19999");
    }
}
