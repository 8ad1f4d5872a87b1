package io.weft.node.agent;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * flannel's {@code subnet.env}, read by the standard CNI {@code flannel} plugin:
 * <pre>
 * FLANNEL_NETWORK=10.5.0.0/16
 * FLANNEL_SUBNET=10.5.49.1/24
 * FLANNEL_MTU=1450
 * FLANNEL_IPMASQ=false
 * </pre>
 * plus {@code FLANNEL_IPV6_NETWORK} and {@code FLANNEL_IPV6_SUBNET} with IPv6. FLANNEL_SUBNET is
 * the lease's first host address with the lease's prefix length. Written atomically (a temp
 * file in the same folder, then rename), mode 0644.
 *
 * @param network     the cluster's IPv4 network, or null when IPv4 is disabled
 * @param subnet      this node's IPv4 lease, or null
 * @param ipv6Network the cluster's IPv6 network, or null
 * @param ipv6Subnet  this node's IPv6 lease, or null
 * @param mtu         the MTU pods should use (the overlay device's)
 * @param ipMasq      whether this node masquerades its pods' traffic leaving the cluster network (--ip-masq)
 */
public record SubnetEnv(
        IpPrefix network, IpPrefix subnet, IpPrefix ipv6Network, IpPrefix ipv6Subnet, int mtu, boolean ipMasq) {

    /** The file's text, in flannel's order. */
    public String render() {
        StringBuilder text = new StringBuilder();
        if (network != null) {
            text.append("FLANNEL_NETWORK=").append(network).append('\n');
            text.append("FLANNEL_SUBNET=")
                    .append(subnet.firstHost())
                    .append('/')
                    .append(subnet.length())
                    .append('\n');
        }
        if (ipv6Network != null) {
            text.append("FLANNEL_IPV6_NETWORK=").append(ipv6Network).append('\n');
            text.append("FLANNEL_IPV6_SUBNET=")
                    .append(ipv6Subnet.firstHost())
                    .append('/')
                    .append(ipv6Subnet.length())
                    .append('\n');
        }
        text.append("FLANNEL_MTU=").append(mtu).append('\n');
        text.append("FLANNEL_IPMASQ=").append(ipMasq).append('\n');
        return text.toString();
    }

    /** Writes the file atomically with mode 0644, creating its folder if needed. */
    public void write(Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(temp, render(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The subnets a previous run wrote, to ask for them again: FLANNEL_SUBNET and
     * FLANNEL_IPV6_SUBNET turned back into their networks. Empty values when the file is missing
     * or unreadable (a first start).
     */
    public static Previous readPrevious(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(
                            line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            return new Previous(Optional.empty(), Optional.empty());
        }
        return new Previous(networkOf(values.get("FLANNEL_SUBNET")), networkOf(values.get("FLANNEL_IPV6_SUBNET")));
    }

    /** The subnets found in an earlier subnet.env. */
    public record Previous(Optional<IpPrefix> subnet, Optional<IpPrefix> ipv6Subnet) {}

    private static Optional<IpPrefix> networkOf(String hostWithLength) {
        if (hostWithLength == null) {
            return Optional.empty();
        }
        try {
            int slash = hostWithLength.indexOf('/');
            int length = Integer.parseInt(hostWithLength.substring(slash + 1));
            return Optional.of(IpPrefix.containing(IpAddress.parse(hostWithLength.substring(0, slash)), length));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
