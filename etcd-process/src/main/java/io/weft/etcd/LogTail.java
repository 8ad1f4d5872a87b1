package io.weft.etcd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log file, for error messages. Reads at most the final {@value #MAX_BYTES} bytes. */
final class LogTail {

    static final int MAX_BYTES = 64 * 1024;

    private LogTail() {}

    /**
     * The last {@code maxLines} lines of {@code file}; an empty list if the file does not exist.
     * Never throws: a log that cannot be read yields one line saying why, since the tail only
     * decorates another error.
     */
    static List<String> lastLines(Path file, int maxLines) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            int length = (int) Math.min(size, MAX_BYTES);
            channel.position(size - length);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until full or end of file
            }
            return lastLines(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8), maxLines);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e + ")");
        }
    }

    /** The last {@code maxLines} non-trailing lines of {@code text}. */
    static List<String> lastLines(String text, int maxLines) {
        if (maxLines < 0) {
            throw new IllegalArgumentException("maxLines must not be negative, got " + maxLines);
        }
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> lines = Arrays.asList(text.split("\\R", -1));
        int end = lines.size();
        if (lines.get(end - 1).isEmpty()) {
            end--; // text ended with a line break
        }
        return List.copyOf(lines.subList(Math.max(0, end - maxLines), end));
    }
}
