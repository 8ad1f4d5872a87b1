package io.weft.etcd.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.etcd.EtcdBinary;
import io.weft.etcd.EtcdBinaryNotFoundException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EtcdExtensionTest {

    @Test
    void aMissingEtcdFailsTheTestsWithInstallInstructions() {
        EtcdExtension extension = new EtcdExtension(1, () -> EtcdBinary.locate(Map.of("PATH", "/nonexistent")));

        assertThatThrownBy(() -> extension.beforeAll(null))
                .isInstanceOf(EtcdBinaryNotFoundException.class)
                .hasMessageContaining("install etcd-server");
        assertThatThrownBy(extension::endpoint)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("etcd is not running");
    }

    @Test
    void aClusterNeedsAMember() {
        assertThatThrownBy(() -> EtcdExtension.cluster(0)).hasMessageContaining("at least 1 member");
    }
}
