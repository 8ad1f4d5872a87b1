package io.weft.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package: its metadata, where every file lands, and a life cycle in a scratch root
 * (dpkg --root, maintainer scripts run without chroot): installed, reinstalled over a changed
 * config file (kept), removed (only the config files stay), purged (nothing stays).
 */
@Timeout(180)
class DebianPackageIT {

    private static Path deb;

    @TempDir
    Path root;

    @TempDir
    Path scratch;

    @BeforeAll
    static void findPackage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("weft.deb.dir")))) {
            deb = files.filter(f -> f.getFileName().toString().endsWith("_amd64.deb"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void theMetadataNamesThePackageItsArchitectureAndItsConfigFiles() throws Exception {
        String info = run("dpkg-deb", "--info", deb.toString());

        assertThat(info)
                .contains(" Package: weft\n", " Architecture: amd64\n", " Recommends: etcd-server\n")
                .contains("postinst", "prerm", "postrm");
        assertThat(run("dpkg-deb", "--field", deb.toString(), "Version").strip())
                .isEqualTo(System.getProperty("weft.release.version").replace("-", "~"));
    }

    @Test
    void everyFileLandsWhereADebianSystemLooksForIt() throws Exception {
        String contents = run("dpkg-deb", "--contents", deb.toString());

        assertThat(contents)
                .contains("-rwxr-xr-x root/root", "./opt/weft/bin/weft-allocator")
                .contains("./opt/weft/bin/weft-node", "./opt/weft/bin/weftctl", "./opt/weft/runtime/bin/java")
                .contains("./usr/bin/weftctl -> /opt/weft/bin/weftctl")
                .contains("./usr/bin/weft-node -> /opt/weft/bin/weft-node")
                .contains("./usr/bin/weft-allocator -> /opt/weft/bin/weft-allocator")
                .contains("./lib/systemd/system/weft-allocator.service", "./lib/systemd/system/weft-node.service")
                .contains("./etc/default/weft-allocator", "./etc/default/weft-node")
                .contains("./usr/share/bash-completion/completions/weftctl");
    }

    @Test
    void installUpgradeRemoveAndPurgeLeaveAScratchRootClean() throws Exception {
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createFile(root.resolve("var/lib/dpkg/status"));

        dpkg("--install", deb.toString());
        assertThat(run(root.resolve("opt/weft/bin/weftctl").toString(), "--version"))
                .startsWith("weftctl " + System.getProperty("weft.release.version"));
        LaunchedProgram installed = LaunchedProgram.version(
                root.resolve("opt/weft/bin/weftctl"), "io.weft.client.cli.Weftctl", scratch, Path.of("/usr/bin"));
        assertThat(installed.mainClassSource())
                .as("dpkg keeps the jars' times, so the cache trained at build time still matches")
                .isEqualTo(LaunchedProgram.FROM_THE_CACHE);
        assertThat(root.resolve("lib/systemd/system/weft-node.service")).isRegularFile();

        Path nodeDefaults = root.resolve("etc/default/weft-node");
        Files.writeString(nodeDefaults, "WEFT_NODE_OPTS=\"--server 10.0.0.1:7070\"\n");
        dpkg("--install", deb.toString());
        assertThat(nodeDefaults)
                .as("a changed config file survives an upgrade")
                .hasContent("WEFT_NODE_OPTS=\"--server 10.0.0.1:7070\"");

        dpkg("--remove", "weft");
        assertThat(filesOutsideDpkg()).containsExactlyInAnyOrder("etc/default/weft-allocator", "etc/default/weft-node");

        dpkg("--purge", "weft");
        assertThat(filesOutsideDpkg()).isEmpty();
    }

    private List<String> filesOutsideDpkg() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString())
                    .filter(f -> !f.startsWith("var/lib/dpkg/"))
                    .toList();
        }
    }

    private void dpkg(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends"));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + ":\n" + output)
                .isZero();
        return output;
    }
}
