package io.weft.faults;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start a JVM running the allocator: the java binary of this JDK and a classpath that
 * holds allocator-server and its dependencies. The replicas get a small heap and the serial
 * collector: five processes share two cores in CI.
 */
record ReplicaLaunch(String classpath) {

    List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classpath);
    }
}
