package io.weft.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void perOperationDividesEachProcessAndAddsThemUp() {
        ProcessCpu.Used used =
                new ProcessCpu.Used(Map.of("clients", Duration.ofMillis(10), "etcd", Duration.ofMillis(30)));

        assertThat(used.perOperation(100, "clients", "allocator-server", "etcd"))
                .isEqualTo("clients 100 µs, allocator-server 0 µs, etcd 300 µs (total 400 µs)");
        assertThat(used.perOperation(0, "clients")).isEqualTo("no operations");
    }

    @Test
    void plusAddsProcessByProcess() {
        ProcessCpu.Used first = new ProcessCpu.Used(Map.of("etcd", Duration.ofMillis(1)));
        ProcessCpu.Used second =
                new ProcessCpu.Used(Map.of("etcd", Duration.ofMillis(2), "clients", Duration.ofMillis(4)));

        assertThat(ProcessCpu.Used.NONE.plus(first).plus(second).byProcess())
                .isEqualTo(Map.of("etcd", Duration.ofMillis(3), "clients", Duration.ofMillis(4)));
    }

    @Test
    void measureReadsThisProcessesCpuAcrossTheWindow() throws Exception {
        ProcessCpu cpu = new ProcessCpu().self("bench").process("gone", () -> Long.MAX_VALUE);

        ProcessCpu.Measured<Long> measured = cpu.measure(() -> {
            long sum = 0;
            for (int i = 0; i < 50_000_000; i++) {
                sum += i % 7;
            }
            return sum;
        });

        assertThat(measured.result()).isPositive();
        assertThat(measured.cpu().byProcess().get("bench")).isPositive();
        assertThat(measured.cpu().byProcess().get("gone")).isZero();
    }
}
