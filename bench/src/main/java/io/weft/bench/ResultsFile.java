package io.weft.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Writes RESULTS.md: when and where it ran, the exact command, the table and every note. */
final class ResultsFile {

    private ResultsFile() {}

    static void write(
            Path file, String command, Scale scale, List<FigureReport> reports, long elapsedSeconds, String chartName)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# weft benchmark results\n\n");
        md.append("Written by `")
                .append(command)
                .append("` (")
                .append(scale.name())
                .append(" sizes) on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(", in ")
                .append(elapsedSeconds)
                .append(" s.\n\n");
        md.append("- machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(memoryText())
                .append(", ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append('\n');
        md.append("- JVM: ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.version"))
                .append("; etcd: ")
                .append(etcdVersion())
                .append('\n');
        md.append("- every figure compares weft with a baseline measured in the same run on the same machine;"
                + " read the ratios, not the absolute numbers (these machines are noisy)\n");
        md.append("- chart: [").append(chartName).append("](").append(chartName).append(")\n\n");
        md.append("## Results\n\n").append(new ResultsTable(reports).markdown()).append('\n');
        md.append("## Notes\n\n");
        for (FigureReport report : reports) {
            md.append("### ")
                    .append(report.figure().id())
                    .append(". ")
                    .append(report.figure().title())
                    .append("\n\n");
            for (String note : report.notes()) {
                md.append("- ").append(note).append('\n');
            }
            md.append('\n');
        }
        Files.writeString(file, md.toString());
    }

    private static String memoryText() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return String.format(Locale.ROOT, "%.1f GiB memory", os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return "memory unknown";
    }

    private static String etcdVersion() {
        try {
            Process etcd = new ProcessBuilder(io.weft.etcd.EtcdBinary.locate().toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String first = new String(etcd.getInputStream().readAllBytes())
                    .lines()
                    .findFirst()
                    .orElse("?");
            etcd.waitFor();
            return first.replace("etcd Version: ", "");
        } catch (IOException | RuntimeException e) {
            return "not found";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
