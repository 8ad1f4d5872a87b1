package io.weft.node.e2e;

import io.weft.etcd.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;

/**
 * Mutual TLS for a {@link WeftCluster}: one CA, a server certificate for the control
 * namespace's address, an admin certificate for weftctl, and a certificate per host named after
 * its node, all generated when the cluster starts.
 */
final class ClusterCertificates {

    static final String ADMIN = "weft-admin";

    private final TestCertificates authority;
    private final TestCertificates.Issued server;
    private final TestCertificates.Issued admin;

    ClusterCertificates(Path directory) {
        authority = TestCertificates.authority(directory, "weft-e2e");
        server = authority.serverFor("allocator", List.of(Topology.CONTROL_IP, "127.0.0.1"));
        admin = authority.client(ADMIN);
    }

    List<String> serverArgs() {
        return List.of(
                "--tls-cert",
                server.certificate().toString(),
                "--tls-key",
                server.key().toString(),
                "--client-ca",
                authority.caFile().toString(),
                "--admin",
                ADMIN);
    }

    List<String> adminArgs() {
        return clientArgs(admin);
    }

    /** weft-node's TLS flags with a certificate naming {@code nodeName}. */
    List<String> nodeArgs(String nodeName) {
        return clientArgs(authority.client(nodeName));
    }

    private static List<String> clientArgs(TestCertificates.Issued issued) {
        return List.of(
                "--tls-ca",
                issued.ca().toString(),
                "--tls-cert",
                issued.certificate().toString(),
                "--tls-key",
                issued.key().toString());
    }
}
