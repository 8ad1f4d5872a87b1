package io.weft.allocator;

import io.weft.allocator.security.EtcdClientSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Turns the etcd security flags into {@link EtcdClientSecurity}. The password is read from a
 * file or the environment, never from a flag: flag values show in {@code ps} to every user.
 */
final class SecurityFlags {

    static final String PASSWORD_ENV = "WEFT_ETCD_PASSWORD";

    private final Map<String, String> environment;

    SecurityFlags(Map<String, String> environment) {
        this.environment = environment;
    }

    EtcdClientSecurity etcd(Path ca, Path cert, Path key, String user, Path passwordFile) {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--etcd-cert and --etcd-key go together: give both or neither");
        }
        String password = null;
        if (passwordFile != null) {
            password = readPassword(passwordFile);
        } else if (environment.containsKey(PASSWORD_ENV)) {
            password = environment.get(PASSWORD_ENV);
        }
        if (user == null && password != null) {
            throw new IllegalArgumentException(
                    "an etcd password was given (--etcd-password-file or " + PASSWORD_ENV + ") but no --etcd-user");
        }
        if (user != null && (password == null || password.isEmpty())) {
            throw new IllegalArgumentException(
                    "--etcd-user needs a password: --etcd-password-file FILE or env " + PASSWORD_ENV);
        }
        return new EtcdClientSecurity(ca, cert, key, user, password);
    }

    private static String readPassword(Path file) {
        refuseIfOthersMayRead(file);
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("--etcd-password-file " + file + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        // Files written by echo or an editor end with a line break that is not part of the password.
        String password = text.replaceFirst("\\R+\\z", "");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("--etcd-password-file " + file + " is empty");
        }
        return password;
    }

    /**
     * A password file every local user can read gives etcd's keys (and so every pod route) to
     * all of them. Group-readable stays allowed, for a file owned by root and the service's group.
     */
    private static void refuseIfOthersMayRead(Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions on this file system: nothing to check
        } catch (IOException e) {
            throw new IllegalArgumentException("--etcd-password-file " + file + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalArgumentException("--etcd-password-file " + file + " is readable by every user (mode "
                    + PosixFilePermissions.toString(permissions) + "); allow at most its owner and group, e.g. "
                    + "chmod 600 " + file);
        }
    }
}
