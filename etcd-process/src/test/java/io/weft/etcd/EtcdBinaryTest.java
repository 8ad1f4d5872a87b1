package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EtcdBinaryTest {

    @TempDir
    Path dir;

    @Test
    void findsEtcdInTheFirstPathDirectoryThatHasIt() throws IOException {
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));
        Path etcd = executable(second.resolve("etcd"));
        Files.writeString(first.resolve("etcd"), "not executable");

        assertThat(EtcdBinary.locate(Map.of("PATH", first + ":" + second))).isEqualTo(etcd);
    }

    @Test
    void theEnvironmentVariableWinsOverPath() throws IOException {
        Path custom = executable(dir.resolve("my-etcd"));
        Path onPath = executable(dir.resolve("etcd"));

        assertThat(EtcdBinary.locate(Map.of(
                        "WEFT_ETCD_BIN",
                        custom.toString(),
                        "PATH",
                        onPath.getParent().toString())))
                .isEqualTo(custom);
    }

    @Test
    void aMissingBinaryTellsHowToInstallIt() {
        assertThatThrownBy(() -> EtcdBinary.locate(Map.of("PATH", dir.toString())))
                .isInstanceOf(EtcdBinaryNotFoundException.class)
                .hasMessageContaining("install etcd-server")
                .hasMessageContaining("WEFT_ETCD_BIN");
    }

    @Test
    void aWrongEnvironmentVariableIsNamed() {
        assertThatThrownBy(() -> EtcdBinary.locate(
                        Map.of("WEFT_ETCD_BIN", dir.resolve("nope").toString())))
                .isInstanceOf(EtcdBinaryNotFoundException.class)
                .hasMessageContaining("WEFT_ETCD_BIN=" + dir.resolve("nope"));
    }

    private static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
