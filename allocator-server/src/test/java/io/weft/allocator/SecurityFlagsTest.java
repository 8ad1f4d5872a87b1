package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.allocator.security.EtcdClientSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class SecurityFlagsTest {

    @TempDir
    Path temp;

    @Test
    void thePasswordComesFromAFileWithoutItsLineBreak() throws Exception {
        Path file = ownerOnly(Files.writeString(temp.resolve("password"), " s3cret pass \n"));
        EtcdClientSecurity security = new SecurityFlags(Map.of()).etcd(null, null, null, "root", file);
        assertThat(security.password()).isEqualTo(" s3cret pass ");
        assertThat(security.toString()).doesNotContain("s3cret").contains("password=(hidden)");
        assertThat(security.describe(List.of("http://127.0.0.1:2379"))).isEqualTo("plaintext, as etcd user root");
    }

    @Test
    void aPasswordFileEveryUserMayReadIsRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("password"), "s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> new SecurityFlags(Map.of()).etcd(null, null, null, "root", file))
                .hasMessage("--etcd-password-file " + file + " is readable by every user (mode rw-r--r--); allow at "
                        + "most its owner and group, e.g. chmod 600 " + file)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aPasswordFileItsGroupMayReadIsAccepted() throws Exception {
        Path file = Files.writeString(temp.resolve("password"), "s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThat(new SecurityFlags(Map.of())
                        .etcd(null, null, null, "root", file)
                        .password())
                .isEqualTo("s3cret");
    }

    @Test
    void aUserOverPlaintextEndpointsIsWarnedOfTheClearTextPassword() {
        EtcdClientSecurity security =
                new SecurityFlags(Map.of(SecurityFlags.PASSWORD_ENV, "s3cret")).etcd(null, null, null, "root", null);

        assertThat(security.clearTextPasswordWarning(List.of("http://10.0.0.1:2379")))
                .hasValueSatisfying(line -> assertThat(line)
                        .startsWith("--etcd-user root over plaintext etcd endpoints (http://10.0.0.1:2379): "
                                + "the password travels in clear text")
                        .doesNotContain("s3cret"));
        assertThat(security.clearTextPasswordWarning(List.of("https://10.0.0.1:2379")))
                .isEmpty();
        assertThat(new SecurityFlags(Map.of())
                        .etcd(null, null, null, null, null)
                        .clearTextPasswordWarning(List.of("http://10.0.0.1:2379")))
                .isEmpty();
    }

    @Test
    void thePasswordMayComeFromTheEnvironment() {
        EtcdClientSecurity security =
                new SecurityFlags(Map.of(SecurityFlags.PASSWORD_ENV, "from-env")).etcd(null, null, null, "root", null);
        assertThat(security.password()).isEqualTo("from-env");
    }

    @Test
    void aUserWithoutAPasswordIsRefused() {
        assertThatThrownBy(() -> new SecurityFlags(Map.of()).etcd(null, null, null, "root", null))
                .hasMessage("--etcd-user needs a password: --etcd-password-file FILE or env WEFT_ETCD_PASSWORD");
    }

    @Test
    void aMissingPasswordFileIsNamed() {
        Path missing = temp.resolve("nope");
        assertThatThrownBy(() -> new SecurityFlags(Map.of()).etcd(null, null, null, "root", missing))
                .hasMessageStartingWith("--etcd-password-file " + missing + ": cannot be read");
    }

    @Test
    void aCertificateWithoutAKeyIsRefused() {
        assertThatThrownBy(() -> new SecurityFlags(Map.of()).etcd(null, temp.resolve("c.pem"), null, null, null))
                .hasMessage("--etcd-cert and --etcd-key go together: give both or neither");
    }

    static Path ownerOnly(Path file) throws java.io.IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void httpsEndpointsUseTlsEvenWithoutACa() {
        EtcdClientSecurity none = new SecurityFlags(Map.of()).etcd(null, null, null, null, null);
        assertThat(none.usesTls(List.of("https://etcd:2379"))).isTrue();
        assertThat(none.usesTls(List.of("http://etcd:2379"))).isFalse();
    }
}
