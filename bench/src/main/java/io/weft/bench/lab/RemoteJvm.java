package io.weft.bench.lab;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Another JVM's memory, read the way a person would with jconsole or jcmd: attach, start its
 * local JMX agent, read the platform MXBeans; {@code MemoryMXBean.gc()} (System.gc in that JVM)
 * for the live heap, and the {@code GC.class_histogram} diagnostic command for where it goes.
 */
public final class RemoteJvm implements AutoCloseable {

    private static final int COLLECTIONS = 3;
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

    /**
     * @param heapCommitted    heap the JVM holds from the OS, before any collection here
     * @param heapUsedAfterGc  live heap
     * @param nonHeapCommitted metaspace, code cache and the like
     * @param threads          live threads (each has a stack outside the heap)
     */
    public record Memory(long heapCommitted, long heapUsedAfterGc, long nonHeapCommitted, int threads) {}

    /** Stop-the-world collections so far: how many and their pause time (concurrent cycles not counted). */
    public record Pauses(long count, long millis) {
        public Pauses minus(Pauses before) {
            return new Pauses(count - before.count, millis - before.millis);
        }
    }

    private final VirtualMachine vm;
    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    private RemoteJvm(VirtualMachine vm, JMXConnector connector) throws IOException {
        this.vm = vm;
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
    }

    public static RemoteJvm attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            return new RemoteJvm(vm, JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent())));
        } catch (Exception e) {
            vm.detach();
            throw e;
        }
    }

    /** Heap and threads; the live heap is the least used heap over a few full collections. */
    public Memory memory() throws Exception {
        MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        long committed = memory.getHeapMemoryUsage().getCommitted();
        long nonHeap = memory.getNonHeapMemoryUsage().getCommitted();
        int threadCount = threads.getThreadCount();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < COLLECTIONS; i++) {
            memory.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
            Thread.sleep(200);
        }
        return new Memory(committed, least, nonHeap, threadCount);
    }

    /**
     * Collections and their accumulated time from the collectors' MXBeans; a collector whose
     * name says it is concurrent (G1's and ZGC's cycles) runs beside the program and is left out.
     */
    public Pauses pauses() throws IOException {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector :
                ManagementFactory.getPlatformMXBeans(connection, GarbageCollectorMXBean.class)) {
            if (!collector.getName().contains("Concurrent")
                    && !collector.getName().contains("Cycles")) {
                count += collector.getCollectionCount();
                millis += collector.getCollectionTime();
            }
        }
        return new Pauses(count, millis);
    }

    /** Live bytes per class ({@code jcmd PID GC.class_histogram}, which collects first). */
    public Map<String, Long> liveBytesByClass() throws Exception {
        String histogram = (String) connection.invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
        Map<String, Long> bytes = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher row = HISTOGRAM_LINE.matcher(line);
            if (row.matches()) {
                bytes.merge(readable(row.group(3)), Long.parseLong(row.group(2)), Long::sum);
            }
        }
        return bytes;
    }

    /** {@code [B} as {@code byte[]}, {@code [Ljava.lang.String;} as {@code java.lang.String[]}. */
    private static String readable(String jvmName) {
        if (!jvmName.startsWith("[")) {
            return jvmName;
        }
        String element = jvmName.substring(1);
        String name = switch (element) {
            case "B" -> "byte";
            case "C" -> "char";
            case "I" -> "int";
            case "J" -> "long";
            case "S" -> "short";
            case "Z" -> "boolean";
            case "F" -> "float";
            case "D" -> "double";
            default ->
                element.startsWith("L") && element.endsWith(";")
                        ? element.substring(1, element.length() - 1)
                        : readable(element);
        };
        return name + "[]";
    }

    @Override
    public void close() throws IOException {
        try {
            connector.close();
        } finally {
            vm.detach();
        }
    }
}
